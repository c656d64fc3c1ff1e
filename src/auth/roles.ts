/**
 * What a caller may do, beside the Baidu apps it may act for. API keys list them in their
 * configuration, tokens carry them in a claim (README, "Signing in with an identity provider").
 */
export const Role = {
  /** The seven write mutations (importOrder … updateOrderLogistics). */
  WRITE_ORDERS: "orders:write",
  /** The ledger's queries: delivery, deliveries, order, and the fields that lead from a delivery
   * to other records of the ledger. */
  READ_LEDGER: "ledger:read",
  /** A person's decision on a delivery: retryDelivery, cancelDelivery. */
  OPERATE_DELIVERIES: "deliveries:operate",
} as const;

export type Role = (typeof Role)[keyof typeof Role];

/** Every role: what an API key without `roles` may do (all it could do before roles existed). */
export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return ALL_ROLES.includes(value as Role);
}
