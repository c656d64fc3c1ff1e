import { SignJWT, UnsecuredJWT } from "jose";
import type { GraphQLError } from "graphql";
import { sha256Hex } from "../src/auth/api-keys";
import { createAuthenticator } from "../src/auth/authenticator";
import type { Caller } from "../src/auth/caller";
import { mintDevToken } from "../src/auth/dev-token";
import { ALL_ROLES, Role } from "../src/auth/roles";
import { loadConfig } from "../src/config/load";
import type { GatewayConfig, JwtConfig } from "../src/config/types";
import { authenticatedBy } from "../src/graphql/errors";
import { createLogger } from "../src/ops/log";
import { eventually } from "./support/eventually";
import { testClock } from "./support/harness";
import {
  AUDIENCE,
  b64,
  generateProviderKey,
  jwtConfigFor,
  startIdentityProvider,
  type IdentityProvider,
} from "./support/jwks";

const START = Date.UTC(2026, 5, 1, 12);
const SHOP = "a392qXwK8L5GDUWhFoC01cKwoy7tmehg";
const OTHER = "OtherAppKeyOtherAppKeyOtherAppKe";
const API_KEY = "an-api-key-of-this-gateway";

let provider: IdentityProvider;
let time: ReturnType<typeof testClock>;
let logs: string[];

beforeEach(async () => {
  provider = await startIdentityProvider();
  time = testClock(START);
  logs = [];
});
afterEach(() => provider.close());

function gatewayConfig(jwt: JwtConfig | null, overrides: Partial<GatewayConfig> = {}) {
  return {
    ...loadConfig({ GATEWAY_DATA_DIR: "memory://" }),
    mode: "production",
    emulator: false,
    apiKeys: [{ name: "back-office", sha256: sha256Hex(API_KEY), apps: ["*"] }],
    auth: { jwt },
    ...overrides,
  } satisfies GatewayConfig;
}

function authenticator(jwt: JwtConfig | null = jwtConfigFor(provider), overrides = {}) {
  return createAuthenticator(gatewayConfig(jwt, overrides), {
    clock: time.clock,
    logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
  });
}

/** What a caller may do, for comparing. */
function rights(caller: Caller) {
  return {
    name: caller.name,
    roles: ALL_ROLES.filter((role) => caller.hasRole(role)),
    shop: caller.mayActFor(SHOP),
    other: caller.mayActFor(OTHER),
  };
}

/** The refusal a promise ends with, as a GraphQL client sees it: its message and extensions. */
async function refusal(promise: Promise<unknown>) {
  try {
    await authenticatedBy(promise);
  } catch (error) {
    const { message, extensions } = error as GraphQLError;
    return { message, extensions };
  }
  throw new Error("the credential was accepted");
}

const refused = (reason: string, message: string, status = 401) => ({
  message,
  extensions: { code: "UNAUTHENTICATED", reason, http: { status } },
});

describe("JWT callers", () => {
  it.each(ALL_ROLES)(
    "accepts a valid token whose roles claim holds %s, for its apps only",
    async (role) => {
      const token = await provider.sign(START, { roles: [role], baidu_apps: [SHOP] });
      expect(rights(await authenticator().authenticate(`Bearer ${token}`))).toEqual({
        name: "jwt:user-42",
        roles: [role],
        shop: true,
        other: false,
      });
    },
  );

  it("takes a space-separated claim (as OAuth's scope), a nested claim, and gives no app without the apps claim", async () => {
    const config = jwtConfigFor(provider, {
      claims: { apps: ["gateway", "apps"], roles: ["scope"] },
    });
    const token = await provider.sign(START, {
      baidu_apps: undefined,
      roles: undefined,
      gateway: { apps: [OTHER] },
      scope: "openid ledger:read profile deliveries:operate",
    });
    expect(rights(await authenticator(config).authenticate(`Bearer ${token}`))).toEqual({
      name: "jwt:user-42",
      roles: [Role.READ_LEDGER, Role.OPERATE_DELIVERIES],
      shop: false,
      other: true,
    });
    const noApps = await provider.sign(START, { baidu_apps: undefined });
    expect(rights(await authenticator().authenticate(`Bearer ${noApps}`))).toMatchObject({
      shop: false,
      other: false,
    });
    // "*" is for API keys: from a token it grants no app.
    const everyApp = await provider.sign(START, { baidu_apps: ["*"] });
    expect(rights(await authenticator().authenticate(`Bearer ${everyApp}`))).toMatchObject({
      shop: false,
      other: false,
    });
  });

  it("maps the provider's role names through roleMap, and ignores the names it does not map", async () => {
    const config = jwtConfigFor(provider, {
      roleMap: {
        "order-clerk": [Role.WRITE_ORDERS],
        "cs-agent": [Role.READ_LEDGER, Role.OPERATE_DELIVERIES],
      },
    });
    const token = await provider.sign(START, {
      roles: ["cs-agent", "orders:write", "constructor"],
    });
    expect(rights(await authenticator(config).authenticate(`Bearer ${token}`)).roles).toEqual([
      Role.READ_LEDGER,
      Role.OPERATE_DELIVERIES,
    ]);
  });

  it("still takes API keys, before any token, with their configured roles", async () => {
    const config = gatewayConfig(jwtConfigFor(provider), {
      apiKeys: [
        { name: "reader", sha256: sha256Hex(API_KEY), apps: [SHOP], roles: [Role.READ_LEDGER] },
      ],
    });
    const caller = await createAuthenticator(config).authenticate(`Bearer ${API_KEY}`);
    expect(rights(caller)).toEqual({
      name: "reader",
      roles: [Role.READ_LEDGER],
      shop: true,
      other: false,
    });
    expect(provider.fetches).toBe(0);
  });

  it("accepts exp and nbf within the clock tolerance (30 s), judged by the gateway's clock", async () => {
    const now = START / 1000;
    const auth = authenticator();
    const lateButTolerated = await provider.sign(START, { exp: now - 29 });
    const earlyButTolerated = await provider.sign(START, { nbf: now + 29 });
    await expect(auth.authenticate(`Bearer ${lateButTolerated}`)).resolves.toBeDefined();
    await expect(auth.authenticate(`Bearer ${earlyButTolerated}`)).resolves.toBeDefined();
    time.advance(2000);
    expect(await refusal(auth.authenticate(`Bearer ${lateButTolerated}`))).toEqual(
      refused("EXPIRED", "The token has expired (exp)"),
    );
  });
});

describe("JWT refusals", () => {
  const now = START / 1000;
  const cases: Array<[string, () => Promise<string>, ReturnType<typeof refused>]> = [
    [
      "an expired token",
      () => provider.sign(START, { exp: now - 31 }),
      refused("EXPIRED", "The token has expired (exp)"),
    ],
    [
      "a token not valid yet",
      () => provider.sign(START, { nbf: now + 31 }),
      refused("NOT_YET_VALID", "The token is not valid yet (nbf)"),
    ],
    [
      "a token of another issuer",
      () => provider.sign(START, { iss: "https://login.elsewhere.example/" }),
      refused("WRONG_ISSUER", "The token comes from an issuer this gateway does not trust (iss)"),
    ],
    [
      "a token without an issuer",
      () => provider.sign(START, { iss: undefined }),
      refused("WRONG_ISSUER", "The token comes from an issuer this gateway does not trust (iss)"),
    ],
    [
      "a token for another audience",
      () => provider.sign(START, { aud: ["another-api"] }),
      refused("WRONG_AUDIENCE", "The token is not meant for this gateway (aud)"),
    ],
    [
      "a token signed by another key under the published key's kid",
      async () => provider.sign(START, {}, { key: { ...(await generateProviderKey("key-1")) } }),
      refused("BAD_SIGNATURE", "The token's signature does not verify"),
    ],
    [
      "a token whose payload was changed after signing",
      async () => {
        const [header, , signature] = (await provider.sign(START)).split(".");
        const payload = b64({ iss: provider.issuer, aud: AUDIENCE, sub: "admin", exp: now + 60 });
        return `${header}.${payload}.${signature}`;
      },
      refused("BAD_SIGNATURE", "The token's signature does not verify"),
    ],
    [
      "a token signed by a key the provider does not publish",
      async () => provider.sign(START, {}, { key: await generateProviderKey("key-unknown") }),
      refused("UNKNOWN_KEY", "The token is signed with a key its issuer does not publish (kid)"),
    ],
    [
      "an unsigned token (alg none)",
      async () =>
        new UnsecuredJWT({ sub: "user-42", aud: AUDIENCE, exp: now + 60 })
          .setIssuer(provider.issuer)
          .encode(),
      refused(
        "ALGORITHM_NOT_ALLOWED",
        "The token's algorithm (alg) is not one this gateway accepts",
      ),
    ],
    [
      "an HS256 token whose HMAC key is the provider's public key (algorithm confusion)",
      async () =>
        new SignJWT({ sub: "user-42", roles: [...ALL_ROLES], baidu_apps: ["*"] })
          .setProtectedHeader({ alg: "HS256", kid: provider.key.kid })
          .setIssuer(provider.issuer)
          .setAudience(AUDIENCE)
          .setExpirationTime(now + 60)
          .sign(new TextEncoder().encode(provider.key.publicPem)),
      refused(
        "ALGORITHM_NOT_ALLOWED",
        "The token's algorithm (alg) is not one this gateway accepts",
      ),
    ],
    [
      "a token whose header is not JSON",
      async () =>
        `${Buffer.from("not json").toString("base64url")}.${b64({ iss: provider.issuer })}.c2ln`,
      refused("MALFORMED", "The token is not a well-formed JWT"),
    ],
    [
      "a token whose payload is not JSON",
      async () => `${b64({ alg: "RS256" })}.${Buffer.from("{").toString("base64url")}.c2ln`,
      refused("MALFORMED", "The token is not a well-formed JWT"),
    ],
  ];

  it.each(cases)("refuses %s with its reason", async (_case, make, expected) => {
    const token = await make();
    const got = await refusal(authenticator().authenticate(`Bearer ${token}`));
    expect(got).toEqual(expected);
    expect(JSON.stringify(got)).not.toContain(token);
    expect(logs.filter((line) => line.includes(token))).toEqual([]);
  });

  it.each([
    ["without a subject", { sub: undefined }, "sub"],
    ["with an empty subject", { sub: " " }, "sub"],
    ["whose subject holds a line break", { sub: 'evil\n{"level":"error"}' }, "sub"],
    ["whose subject holds a bidi override", { sub: "admin\u202e" }, "sub"],
    ["without an expiry", { exp: undefined }, "exp"],
    ["whose roles claim is a number", { roles: 7 }, "roles"],
    ["whose apps claim holds a number", { baidu_apps: [SHOP, 1] }, "baidu_apps"],
  ])("refuses a token %s, naming the claim", async (_case, claims, claim) => {
    const token = await provider.sign(START, claims);
    expect(await refusal(authenticator().authenticate(`Bearer ${token}`))).toEqual({
      message: `The token's "${claim}" claim is missing or not valid`,
      extensions: {
        code: "UNAUTHENTICATED",
        reason: "INVALID_CLAIM",
        claim,
        http: { status: 401 },
      },
    });
  });

  it("refuses a missing header, an unknown API key, and a token where no provider is configured", async () => {
    const token = await provider.sign(START);
    expect(await refusal(authenticator().authenticate(undefined))).toEqual(
      refused(
        "NO_CREDENTIALS",
        "Send an API key or a token as `Authorization: Bearer <key or token>`",
      ),
    );
    expect(await refusal(authenticator().authenticate("Bearer not-a-key"))).toEqual(
      refused("UNKNOWN_API_KEY", "The API key is not one this gateway knows"),
    );
    expect(await refusal(authenticator(null).authenticate(`Bearer ${token}`))).toEqual(
      refused(
        "TOKENS_NOT_ACCEPTED",
        "This gateway takes API keys only: it trusts no identity provider (auth.jwt is not configured)",
      ),
    );
    expect(provider.fetches).toBe(0);
  });

  it("refuses an algorithm left out of auth.jwt.algorithms", async () => {
    const es256 = await generateProviderKey("key-es", "ES256");
    provider.publish([provider.key, es256]);
    const token = await provider.sign(START, {}, { key: es256 });
    expect(
      await refusal(
        authenticator(jwtConfigFor(provider, { algorithms: ["RS256"] })).authenticate(
          `Bearer ${token}`,
        ),
      ),
    ).toEqual(
      refused(
        "ALGORITHM_NOT_ALLOWED",
        "The token's algorithm (alg) is not one this gateway accepts",
      ),
    );
    await expect(authenticator().authenticate(`Bearer ${token}`)).resolves.toBeDefined();
  });
});

describe("the provider's keys", () => {
  it("fetches the key set once and then serves every token from it", async () => {
    const auth = authenticator();
    const tokens = await Promise.all([1, 2, 3].map((i) => provider.sign(START, { sub: `u${i}` })));
    const callers = await Promise.all(tokens.map((token) => auth.authenticate(`Bearer ${token}`)));
    expect(callers.map((caller) => caller.name)).toEqual(["jwt:u1", "jwt:u2", "jwt:u3"]);
    expect(await auth.authenticate(`Bearer ${tokens[0]}`)).toBeDefined();
    expect(provider.fetches).toBe(1);
  });

  it("takes a rotated key (a new kid) without a restart, fetching the set again at most once per cooldown", async () => {
    const auth = authenticator();
    const before = await provider.sign(START);
    await auth.authenticate(`Bearer ${before}`);
    const rotated = await generateProviderKey("key-2");
    provider.publish([rotated]);
    const after = await provider.sign(START, {}, { key: rotated });
    // Within the cooldown (30 s) of the last fetch, an unknown kid does not fetch again.
    time.advance(29_000);
    expect((await refusal(auth.authenticate(`Bearer ${after}`))).extensions.reason).toBe(
      "UNKNOWN_KEY",
    );
    expect(provider.fetches).toBe(1);
    time.advance(1000);
    expect((await auth.authenticate(`Bearer ${after}`)).name).toBe("jwt:user-42");
    expect(provider.fetches).toBe(2);
    // The old key is gone from the set: its tokens are refused, and cannot force another fetch.
    expect((await refusal(auth.authenticate(`Bearer ${before}`))).extensions.reason).toBe(
      "UNKNOWN_KEY",
    );
    const forged = await provider.sign(START, {}, { key: await generateProviderKey("key-3") });
    expect((await refusal(auth.authenticate(`Bearer ${forged}`))).extensions.reason).toBe(
      "UNKNOWN_KEY",
    );
    expect(provider.fetches).toBe(2);
  });

  it.each(["reset", "503"] as const)(
    "keeps the cached keys working while the provider is down (%s), and tries it again once per cooldown",
    async (outage) => {
      const auth = authenticator();
      const token = await provider.sign(START);
      await auth.authenticate(`Bearer ${token}`);
      provider.setState(outage);
      // Past the set's maximum age (10 min), it is fetched again beside the request; that fails
      // and the set is kept.
      time.advance(600_000);
      expect((await auth.authenticate(`Bearer ${token}`)).name).toBe("jwt:user-42");
      await eventually(() => logs.some((line) => line.includes('"level":"warn"')));
      expect(provider.fetches).toBe(2);
      time.advance(10_000);
      await auth.authenticate(`Bearer ${token}`);
      expect(provider.fetches).toBe(2);
      const warnings = logs.map((line) => JSON.parse(line)).filter((l) => l.level === "warn");
      expect(warnings).toEqual([
        expect.objectContaining({
          msg: "The identity provider's keys could not be fetched; the last ones fetched are kept",
          jwksUrl: provider.jwksUrl,
        }),
      ]);
      // Back up: the next fetch, a cooldown after the failed one, succeeds.
      provider.setState("up");
      time.advance(20_000);
      await auth.authenticate(`Bearer ${token}`);
      await eventually(() => provider.fetches === 3);
      expect(logs.filter((line) => line.includes(token))).toEqual([]);
    },
  );

  it("answers from the cached keys while a refetch hangs, instead of waiting for its timeout", async () => {
    const auth = authenticator(jwtConfigFor(provider, { jwksTimeoutMs: 120_000 }));
    const token = await provider.sign(START);
    await auth.authenticate(`Bearer ${token}`);
    provider.setState("hang");
    time.advance(600_000);
    // The provider never answers (until the test closes it): the request did not wait for it.
    expect((await auth.authenticate(`Bearer ${token}`)).name).toBe("jwt:user-42");
    await eventually(() => provider.fetches === 2);
    expect((await auth.authenticate(`Bearer ${token}`)).name).toBe("jwt:user-42");
    expect(provider.fetches).toBe(2);
  });

  it("answers KEYS_UNAVAILABLE (HTTP 503) while no key set was ever fetched, and recovers after the cooldown", async () => {
    provider.setState("503");
    const auth = authenticator();
    const token = await provider.sign(START);
    const unavailable = refused(
      "KEYS_UNAVAILABLE",
      "The identity provider's keys cannot be fetched now; try again later",
      503,
    );
    expect(await refusal(auth.authenticate(`Bearer ${token}`))).toEqual(unavailable);
    expect(await refusal(auth.authenticate(`Bearer ${token}`))).toEqual(unavailable);
    expect(provider.fetches).toBe(1);
    provider.setState("up");
    time.advance(30_000);
    expect((await auth.authenticate(`Bearer ${token}`)).name).toBe("jwt:user-42");
    expect(provider.fetches).toBe(2);
  });

  it("verifies against configured public keys with no JWKS URL, trying each when the token names no kid", async () => {
    const second = await generateProviderKey("second");
    const { kid: _kid, ...withoutKid } = second.publicJwk;
    const config = jwtConfigFor(provider, {
      jwksUrl: null,
      publicKeys: [provider.key.publicJwk, withoutKid],
    });
    const token = await new SignJWT({ sub: "svc", roles: [Role.READ_LEDGER] })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(provider.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime(START / 1000 + 60)
      .sign(second.privateKey);
    expect(rights(await authenticator(config).authenticate(`Bearer ${token}`))).toMatchObject({
      name: "jwt:svc",
      roles: [Role.READ_LEDGER],
    });
    const stranger = await generateProviderKey("stranger");
    const forged = await new SignJWT({ sub: "svc" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(provider.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime(START / 1000 + 60)
      .sign(stranger.privateKey);
    expect(
      (await refusal(authenticator(config).authenticate(`Bearer ${forged}`))).extensions.reason,
    ).toBe("BAD_SIGNATURE");
    expect(provider.fetches).toBe(0);
  });
});

describe("development tokens", () => {
  const development = { mode: "development" as const, emulator: true };

  it("are accepted in development mode with the emulator, with every role and app by default", async () => {
    const token = await mintDevToken({ now: START });
    expect(rights(await authenticator(null, development).authenticate(`Bearer ${token}`))).toEqual({
      name: "jwt:developer",
      roles: [...ALL_ROLES],
      shop: true,
      other: true,
    });
    const narrow = await mintDevToken({
      now: START,
      subject: "ana",
      apps: [SHOP],
      roles: [Role.READ_LEDGER],
    });
    expect(rights(await authenticator(null, development).authenticate(`Bearer ${narrow}`))).toEqual(
      {
        name: "jwt:ana",
        roles: [Role.READ_LEDGER],
        shop: true,
        other: false,
      },
    );
  });

  it("expire after their lifetime, 15 minutes by default", async () => {
    const token = await mintDevToken({ now: START });
    time.advance(15 * 60_000 + 5000);
    expect(
      (await refusal(authenticator(null, development).authenticate(`Bearer ${token}`))).extensions
        .reason,
    ).toBe("EXPIRED");
  });

  it("are refused in production mode and with real Baidu apps, beside a configured provider too", async () => {
    const token = await mintDevToken({ now: START });
    const expected = refused(
      "WRONG_ISSUER",
      "Development tokens are accepted only by a gateway in development mode with its emulator",
    );
    for (const [jwt, overrides] of [
      [null, { mode: "production", emulator: false }],
      [null, { mode: "development", emulator: false }],
      [jwtConfigFor(provider), { mode: "production", emulator: false }],
    ] as const)
      expect(await refusal(authenticator(jwt, overrides).authenticate(`Bearer ${token}`))).toEqual(
        expected,
      );
  });

  it("refuses to mint a token that lives longer than an hour", async () => {
    await expect(mintDevToken({ lifetimeSeconds: 3601 })).rejects.toThrow(
      "a development token lives 1 to 3600 seconds",
    );
  });
});
