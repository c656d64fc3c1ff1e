import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { DEV_TOKEN_ISSUER } from "../auth/dev-token";
import type { Role } from "../auth/roles";
import type { Raw, Reader } from "./reader";
import { JWT_ALGORITHMS, type ClaimPath, type JwtAlgorithm, type JwtConfig } from "./types";

/**
 * `auth.jwt`, read once: every problem is reported with its path, and no key material is repeated
 * in one.
 */
export function readJwt(raw: Raw, reader: Reader, path: string): JwtConfig {
  const issuer = reader.text(raw.issuer, `${path}.issuer`);
  if (issuer === DEV_TOKEN_ISSUER)
    reader.report(`${path}.issuer: is the development tokens' issuer; name your provider's`);
  const jwksUrl =
    raw.jwksUrl === undefined ? null : reader.fetchUrl(raw.jwksUrl, `${path}.jwksUrl`);
  const publicKeys = reader
    .list(raw.publicKeys, `${path}.publicKeys`)
    .map((key, i) => readPublicKey(key, reader, `${path}.publicKeys[${i}]`));
  if (jwksUrl === null && publicKeys.length === 0)
    reader.report(`${path}: give jwksUrl (the provider's JWK Set) or publicKeys`);
  if (jwksUrl !== null && publicKeys.length > 0)
    reader.report(`${path}: give jwksUrl or publicKeys, not both`);
  const claims = (raw.claims ?? {}) as Raw;
  return {
    issuer,
    audience: reader.texts(raw.audience, `${path}.audience`),
    jwksUrl,
    publicKeys,
    algorithms: readAlgorithms(raw.algorithms, reader, `${path}.algorithms`),
    clockToleranceSeconds: reader.int(
      raw.clockToleranceSeconds ?? 30,
      `${path}.clockToleranceSeconds`,
      0,
      300,
    ),
    jwksCooldownMs: reader.int(
      raw.jwksCooldownMs ?? 30_000,
      `${path}.jwksCooldownMs`,
      1000,
      86_400_000,
    ),
    jwksMaxAgeMs: reader.int(raw.jwksMaxAgeMs ?? 600_000, `${path}.jwksMaxAgeMs`, 1000, 86_400_000),
    jwksTimeoutMs: reader.int(raw.jwksTimeoutMs ?? 5000, `${path}.jwksTimeoutMs`, 100, 60_000),
    claims: {
      apps: readClaimPath(claims.apps ?? "baidu_apps", reader, `${path}.claims.apps`),
      roles: readClaimPath(claims.roles ?? "roles", reader, `${path}.claims.roles`),
    },
    roleMap: raw.roleMap === undefined ? null : readRoleMap(raw.roleMap, reader, `${path}.roleMap`),
    allowAllApps: reader.bool(raw.allowAllApps ?? false, `${path}.allowAllApps`),
  };
}

function readAlgorithms(value: unknown, reader: Reader, path: string): JwtAlgorithm[] {
  if (value === undefined) return [...JWT_ALGORITHMS];
  const list = reader.list(value, path);
  if (list.length === 0) reader.report(`${path}: must list at least one algorithm`);
  return list.map((alg, i) => {
    // A token's alg is the signer's choice: HMAC with a published key, or none, would let anyone
    // sign.
    if (typeof alg === "string" && /^(HS\d+|none)$/i.test(alg)) {
      reader.report(
        `${path}[${i}]: HMAC and "none" are never accepted; use an asymmetric algorithm (${JWT_ALGORITHMS.join(", ")})`,
      );
      return JWT_ALGORITHMS[0];
    }
    return reader.oneOf(alg, `${path}[${i}]`, JWT_ALGORITHMS);
  });
}

/** A claim's name (top level), or the names of the path to a nested one. */
function readClaimPath(value: unknown, reader: Reader, path: string): ClaimPath {
  if (typeof value === "string") return [reader.text(value, path)];
  const names = reader.list(value, path);
  if (names.length === 0)
    reader.report(`${path}: must be a claim name, or a non-empty list of names (a nested claim)`);
  return names.map((name, i) => reader.text(name, `${path}[${i}]`));
}

function readRoleMap(value: unknown, reader: Reader, path: string): Record<string, Role[]> {
  const map = reader.entry(value, path) ?? {};
  return Object.fromEntries(
    Object.entries(map).map(([providerRole, roles]) => [
      providerRole,
      reader.roles(roles, `${path}.${providerRole}`),
    ]),
  );
}

/**
 * A public key as a JWK, or `{ "pem": "-----BEGIN PUBLIC KEY-----…", "kid": "…" }`; converted to a
 * public JWK. A private or shared key is refused: it does not belong in the gateway.
 */
function readPublicKey(value: unknown, reader: Reader, path: string): JsonWebKey {
  const raw = reader.entry(value, path);
  if (!raw) return {};
  const naming = {
    ...(typeof raw.kid === "string" ? { kid: raw.kid } : {}),
    ...(typeof raw.alg === "string" ? { alg: raw.alg } : {}),
    ...(typeof raw.use === "string" ? { use: raw.use } : {}),
  };
  const problem = (text: string) => {
    reader.report(`${path}: ${text}`);
    return {};
  };
  let read: () => KeyObject;
  if (typeof raw.pem === "string") {
    if (/PRIVATE KEY/.test(raw.pem))
      return problem("is a private key; give the provider's public key only");
    read = () => createPublicKey(raw.pem as string);
  } else if (typeof raw.kty !== "string") {
    return problem('must be a public JWK (with "kty") or { "pem": "…", "kid": "…" }');
  } else if (raw.kty === "oct") {
    return problem("is a shared secret (kty oct); only asymmetric public keys are accepted");
  } else if ("d" in raw) {
    return problem("holds a private key (d); give the provider's public key only");
  } else {
    read = () => createPublicKey({ key: raw as JsonWebKey, format: "jwk" });
  }
  const key = toPublicJwk(read);
  return typeof key === "string" ? problem(key) : { ...key, ...naming };
}

const NOT_A_KEY = "is not an RSA, EC or Ed25519 public key that Node can read";

/** The key as a public JWK, or what is wrong with it. */
function toPublicJwk(read: () => KeyObject): JsonWebKey | string {
  let key: KeyObject;
  try {
    key = read();
  } catch {
    return NOT_A_KEY;
  }
  if (!["rsa", "ec", "ed25519"].includes(key.asymmetricKeyType ?? "")) return NOT_A_KEY;
  // jose refuses RSA signatures by shorter keys (RFC 7518 §3.3): better said at start.
  if (key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    return "is an RSA key shorter than 2048 bits, which RS* and PS* tokens may not use";
  return key.export({ format: "jwk" });
}
