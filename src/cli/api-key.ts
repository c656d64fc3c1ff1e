import { randomBytes } from "node:crypto";
import { sha256Hex } from "../auth/api-keys";

/** `npm run api-key`: a new random API key, and the hash that goes into the configuration. */
const key = randomBytes(24).toString("base64url");
process.stdout.write(
  `API key (give it to the caller, store it nowhere else): ${key}\nsha256 (put it in apiKeys[].sha256):            ${sha256Hex(key)}\n`,
);
