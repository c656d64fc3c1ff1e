import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";
import { ALL_ROLES } from "../../src/auth/roles";
import type { JwtConfig } from "../../src/config/types";

/** A signing key of the test's identity provider, made for this run. */
export interface ProviderKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export async function generateProviderKey(
  kid: string,
  alg: ProviderKey["alg"] = "RS256",
): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" },
    publicPem: await exportSPKI(publicKey),
  };
}

/**
 * How the JWKS URL answers: the published keys, a reset connection, HTTP 503, or never (a hung
 * provider: the request stays open until the server closes).
 */
export type ProviderState = "up" | "reset" | "503" | "hang";

export const AUDIENCE = "baidu-gateway-test";

/**
 * An identity provider on loopback, as far as the gateway sees one: a JWKS URL serving the keys
 * it publishes (new ones per run), and tokens it signs. Counts the fetches of its key set.
 */
export async function startIdentityProvider() {
  let published: ProviderKey[] = [await generateProviderKey("key-1")];
  let state: ProviderState = "up";
  let fetches = 0;
  const server = createServer((request, response: ServerResponse) => {
    if (request.url !== "/.well-known/jwks.json") return void response.writeHead(404).end();
    fetches += 1;
    if (state === "reset") return void request.socket.destroy();
    if (state === "503") return void response.writeHead(503).end("unavailable");
    if (state === "hang") return;
    response
      .writeHead(200, { "content-type": "application/jwk-set+json" })
      .end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/`;
  return {
    issuer,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    /** The key tokens are signed with unless told otherwise: the newest published one. */
    get key(): ProviderKey {
      return published.at(-1)!;
    },
    /** How often the gateway fetched the key set so far. */
    get fetches(): number {
      return fetches;
    },
    setState(next: ProviderState) {
      state = next;
    },
    /** Publishes these keys from now on (a rotation). */
    publish(keys: ProviderKey[]) {
      published = keys;
    },
    /**
     * A token valid for an hour from `now` (ms), with this issuer and audience, a subject, and
     * `claims` over those; `header` over the protected header.
     */
    sign(
      now: number,
      claims: JWTPayload = {},
      options: { key?: ProviderKey; header?: Record<string, unknown> } = {},
    ): Promise<string> {
      const key = options.key ?? published.at(-1)!;
      const iat = Math.floor(now / 1000);
      return new SignJWT({
        iss: issuer,
        aud: AUDIENCE,
        sub: "user-42",
        iat,
        exp: iat + 3600,
        baidu_apps: ["*"],
        roles: [...ALL_ROLES],
        ...claims,
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...options.header })
        .sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type IdentityProvider = Awaited<ReturnType<typeof startIdentityProvider>>;

/** The gateway's `auth.jwt` for the provider, with the defaults of the configuration. */
export function jwtConfigFor(
  provider: IdentityProvider,
  overrides: Partial<JwtConfig> = {},
): JwtConfig {
  return {
    issuer: provider.issuer,
    audience: [AUDIENCE],
    jwksUrl: provider.jwksUrl,
    publicKeys: [],
    allowAllApps: false,
    algorithms: ["RS256", "ES256", "EdDSA"],
    clockToleranceSeconds: 30,
    jwksCooldownMs: 30_000,
    jwksMaxAgeMs: 600_000,
    jwksTimeoutMs: 2000,
    claims: { apps: ["baidu_apps"], roles: ["roles"] },
    roleMap: null,
    ...overrides,
  };
}

/** base64url of JSON, for hand-made tokens. */
export const b64 = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");
