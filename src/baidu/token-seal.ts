import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { TokenSeal } from "./token";

const INFO = "baidu-ordercenter-gateway access token v1";
const VERSION = "v1";
const TAG_BYTES = 16;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from each app's secret: every process of the
 * deployment holds the secret and can open what another sealed; the database alone cannot. The
 * app key is bound in as associated data: a row copied to another app does not open.
 */
export function secretSeal(apps: ReadonlyArray<{ appKey: string; appSecret: string }>): TokenSeal {
  const keys = new Map(
    apps.map((app) => [
      app.appKey,
      Buffer.from(hkdfSync("sha256", app.appSecret, app.appKey, INFO, 32)),
    ]),
  );
  const keyOf = (appKey: string): Buffer => {
    const key = keys.get(appKey);
    if (!key) throw new Error(`No Baidu app is configured with app key ${appKey}`);
    return key;
  };
  return {
    seal(appKey, token) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", keyOf(appKey), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(appKey, "utf8"));
      const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
      return [VERSION, iv, sealed, cipher.getAuthTag()]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    open(appKey, text) {
      const [version, iv, sealed, tag] = text.split(".");
      if (version !== VERSION || iv === undefined || sealed === undefined || tag === undefined)
        return undefined;
      try {
        const decipher = createDecipheriv(
          "aes-256-gcm",
          keyOf(appKey),
          Buffer.from(iv, "base64url"),
          { authTagLength: TAG_BYTES },
        );
        decipher.setAAD(Buffer.from(appKey, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([
          decipher.update(Buffer.from(sealed, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        return undefined;
      }
    },
  };
}
