import { registerDecorator, type ValidationArguments } from "class-validator";
import { OrderCategory, STATUSES_BY_CATEGORY } from "./enums";

type Check = (value: unknown, object: Record<string, unknown>) => string | undefined;

/** Registers a property rule whose check returns the problem, or undefined when the value is fine. */
function rule(name: string, check: Check): PropertyDecorator {
  return (target, propertyName) => {
    let problem: string | undefined;
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          problem = check(value, args.object as Record<string, unknown>);
          return problem === undefined;
        },
        defaultMessage: () => problem ?? name,
      },
    });
  };
}

/** 2001-09-09 .. 2100-01-01: anything outside is not a plausible order time. */
const MIN_SECONDS = 1_000_000_000;
const MAX_SECONDS = 4_102_444_800;

export function IsUnixSeconds(): PropertyDecorator {
  return rule("isUnixSeconds", (value) => {
    if (value === undefined || value === null) return undefined;
    const n = value as number;
    if (n > 100_000_000_000) return "looks like a millisecond timestamp; Baidu wants Unix seconds (divide by 1000)";
    if (n < MIN_SECONDS || n > MAX_SECONDS) return "must be a Unix time in seconds between 2001-09-09 and 2100-01-01";
    return undefined;
  });
}

const SWAN_SCHEMA = /^baiduboxapp:\/\/swan\/[A-Za-z0-9]{32}\/\S+$/;

/** Baidu's examples all read `baiduboxapp://swan/<32-char app key>/<page path>?<query>`; empty hides the link. */
export function IsSwanSchema(): PropertyDecorator {
  return rule("isSwanSchema", (value) =>
    value === undefined || value === null || value === "" || SWAN_SCHEMA.test(String(value))
      ? undefined
      : "must look like baiduboxapp://swan/<32-character app key>/<page path>",
  );
}

/** `status` must be documented for the order's category; undocumented categories take a raw `statusCode`. */
export function StatusFitsCategory(): PropertyDecorator {
  return rule("statusFitsCategory", (status, order) => {
    const category = order.category as OrderCategory;
    const code = order.statusCode;
    const allowed = STATUSES_BY_CATEGORY.get(category);
    const categoryName = OrderCategory[category];
    if (status != null && code != null) return "give either status or statusCode, not both";
    if (allowed) {
      if (status == null) return `is required for ${categoryName}`;
      return allowed.has(status as number) ? undefined : `is not a ${categoryName} status; allowed: ${[...allowed].join(", ")}`;
    }
    if (status != null) return `${categoryName} has no documented status table; send Baidu's raw code in statusCode instead`;
    return code == null ? `${categoryName} needs statusCode (Baidu's raw status code)` : undefined;
  });
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === "string" && value.trim() === "");

/** A required text such as an id: present, and more than white space. Optional texts skip it when absent. */
export function NotBlank(options: { optional?: boolean } = {}): PropertyDecorator {
  return rule("notBlank", (value) => {
    if (options.optional && (value === undefined || value === null)) return undefined;
    return isBlank(value) ? "must not be empty or blank" : undefined;
  });
}

/** Baidu's cashier order id (a Long in its payment notification), sent as decimal digits; absent is fine unless required. */
export function IsCashierOrderId(options: { required: boolean }): PropertyDecorator {
  return rule("isCashierOrderId", (value) => {
    if (value === undefined || value === null) return options.required ? "is required by Baidu on this endpoint" : undefined;
    return /^\d+$/.test(String(value)) ? undefined : "must be Baidu's cashier order id, in decimal digits";
  });
}

/** An idempotency key: 1 to 255 printable ASCII characters, no spaces (a UUID fits). */
export function IsIdempotencyKey(): PropertyDecorator {
  return rule("isIdempotencyKey", (value) => {
    if (value === undefined || value === null) return undefined;
    return /^[\x21-\x7e]{1,255}$/.test(String(value)) ? undefined : "must be 1 to 255 printable ASCII characters without spaces";
  });
}

/** Exactly one of two optional properties, such as `openId` and `swanId`; a blank one counts as absent. */
export function ExactlyOneOf(other: string): PropertyDecorator {
  return (target, propertyName) =>
    rule("exactlyOneOf", (value, object) => {
      const present = [value, object[other]].filter((v) => !isBlank(v)).length;
      return present === 1 ? undefined : `give exactly one of ${String(propertyName)} and ${other}`;
    })(target, propertyName);
}

/** No two list items share `key` (Baidu keys after-sale orders by `SubOrderID`, orders by `ResourceID`). */
export function UniqueBy(key: string): PropertyDecorator {
  return rule("uniqueBy", (value) => {
    if (!Array.isArray(value)) return undefined;
    const firstIndex = new Map<unknown, number>();
    const clashes: string[] = [];
    value.forEach((item, index) => {
      const id = (item as Record<string, unknown>)[key];
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, index);
      else clashes.push(`[${index}] repeats [${first}]`);
    });
    return clashes.length === 0 ? undefined : `${key} must be unique within the list: ${clashes.join(", ")}`;
  });
}

interface PaymentLike {
  amount: number;
  discounts?: Array<{ value: number; quantity: number }> | null;
  charges?: Array<{ value: number; quantity: number }> | null;
}

function total(lines: Array<{ value: number; quantity: number }> | null | undefined): number {
  return (lines ?? []).reduce((sum, line) => sum + line.value * line.quantity, 0);
}

/** Baidu's rule: Amount = Σ(PayPrice × Quantity) + Σ(PaymentInfo) − Σ(PreferentialInfo), each Value × Quantity (spec §1.4.4). */
export function PaymentMatchesProducts(): PropertyDecorator {
  return rule("paymentMatchesProducts", (value, order) => {
    const payment = value as PaymentLike | undefined;
    const products = order.products as Array<{ payPrice: number; quantity: number }> | undefined;
    if (!payment || !Array.isArray(products)) return undefined;
    const expected = products.reduce((sum, p) => sum + p.payPrice * p.quantity, 0) + total(payment.charges) - total(payment.discounts);
    return payment.amount === expected
      ? undefined
      : `amount must equal Σ(products payPrice × quantity) + Σ(charges) − Σ(discounts), which is ${expected} fen for this order`;
  });
}
