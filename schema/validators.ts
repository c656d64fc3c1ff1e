import { registerDecorator, type ValidationArguments } from "class-validator";
import { OrderCategory, STATUSES_BY_CATEGORY } from "./enums";

type Check = (value: unknown, object: Record<string, unknown>) => string | undefined;

/**
 * Registers a property rule whose check returns the problem, or undefined when the value is fine.
 */
function rule(name: string, check: Check, constraints?: unknown[]): PropertyDecorator {
  return (target, propertyName) => {
    let problem: string | undefined;
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      ...(constraints && { constraints }),
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
    if (n > 100_000_000_000)
      return "looks like a millisecond timestamp; Baidu wants Unix seconds (divide by 1000)";
    if (n < MIN_SECONDS || n > MAX_SECONDS)
      return "must be a Unix time in seconds between 2001-09-09 and 2100-01-01";
    return undefined;
  });
}

const SWAN_SCHEMA = /^baiduboxapp:\/\/swan\/[A-Za-z0-9]{32}\/\S+$/;

/**
 * Baidu's examples all read `baiduboxapp://swan/<32-char app key>/<page path>?<query>`; empty hides
 * the link.
 */
export function IsSwanSchema(): PropertyDecorator {
  return rule("isSwanSchema", (value) =>
    value === undefined || value === null || value === "" || SWAN_SCHEMA.test(String(value))
      ? undefined
      : "must look like baiduboxapp://swan/<32-character app key>/<page path>",
  );
}

/**
 * `status` must be documented for the order's category; undocumented categories take a raw
 * `statusCode`.
 */
export function StatusFitsCategory(): PropertyDecorator {
  return rule("statusFitsCategory", (status, order) => {
    const category = order.category as OrderCategory;
    const code = order.statusCode;
    const allowed = STATUSES_BY_CATEGORY.get(category);
    const categoryName = OrderCategory[category];
    if (status != null && code != null) return "give either status or statusCode, not both";
    if (allowed) {
      if (status == null) return `is required for ${categoryName}`;
      return allowed.has(status as number)
        ? undefined
        : `is not a ${categoryName} status; allowed: ${[...allowed].join(", ")}`;
    }
    if (status != null)
      return `${categoryName} has no documented status table; send Baidu's raw code in statusCode instead`;
    return code == null ? `${categoryName} needs statusCode (Baidu's raw status code)` : undefined;
  });
}

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "");

/**
 * A required text such as an id: present, and more than white space. Optional texts skip it when
 * absent.
 */
export function NotBlank(options: { optional?: boolean } = {}): PropertyDecorator {
  return rule("notBlank", (value) => {
    if (options.optional && (value === undefined || value === null)) return undefined;
    return isBlank(value) ? "must not be empty or blank" : undefined;
  });
}

/** The largest Long (a signed 64-bit integer). */
const MAX_LONG = BigInt("9223372036854775807");

/**
 * Baidu's cashier order id (a Long in its payment notification), sent as decimal digits; absent is
 * fine unless required.
 */
export function IsCashierOrderId(options: { required: boolean }): PropertyDecorator {
  return rule("isCashierOrderId", (value) => {
    if (value === undefined || value === null)
      return options.required ? "is required by Baidu on this endpoint" : undefined;
    const text = String(value);
    if (!/^\d+$/.test(text)) return "must be Baidu's cashier order id, in decimal digits";
    if (text.length > MAX_CHARS.cashierOrderIdDigits)
      return `must be at most ${MAX_CHARS.cashierOrderIdDigits} digits`;
    return BigInt(text) > MAX_LONG ? `must be at most ${MAX_LONG} (the largest Long)` : undefined;
  });
}

/** An idempotency key: 1 to 255 printable ASCII characters, no spaces (a UUID fits). */
export function IsIdempotencyKey(): PropertyDecorator {
  return rule("isIdempotencyKey", (value) => {
    if (value === undefined || value === null) return undefined;
    return /^[\x21-\x7e]{1,255}$/.test(String(value))
      ? undefined
      : "must be 1 to 255 printable ASCII characters without spaces";
  });
}

/**
 * Exactly one of two optional properties, such as `openId` and `swanId`; a blank one counts as
 * absent.
 */
export function ExactlyOneOf(other: string): PropertyDecorator {
  return (target, propertyName) =>
    rule("exactlyOneOf", (value, object) => {
      const present = [value, object[other]].filter((v) => !isBlank(v)).length;
      return present === 1 ? undefined : `give exactly one of ${String(propertyName)} and ${other}`;
    })(target, propertyName);
}

/**
 * No two list items share `key` (Baidu keys after-sale orders by `SubOrderID`, orders by
 * `ResourceID`).
 */
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
    return clashes.length === 0
      ? undefined
      : `${key} must be unique within the list: ${clashes.join(", ")}`;
  });
}

/** Every figure is a whole number (other rules report the ones that are not). */
function exact(payment: PaymentLike, products: ReadonlyArray<Record<string, unknown>>): boolean {
  const lines = [...(payment.charges ?? []), ...(payment.discounts ?? [])];
  return [
    payment.amount,
    ...lines.flatMap((line) => [line.value, line.quantity]),
    ...products.flatMap((p) => [p.payPrice, p.quantity]),
  ].every((n) => Number.isSafeInteger(n));
}

interface PaymentLike {
  amount: number;
  discounts?: Array<{ value: number; quantity: number }> | null;
  charges?: Array<{ value: number; quantity: number }> | null;
}

/**
 * Σ value × quantity, exactly: two 32-bit integers multiply past 2^53, where a JavaScript number
 * starts to round.
 */
function total(
  lines: ReadonlyArray<{ value: number; quantity: number }> | null | undefined,
): bigint {
  return (lines ?? []).reduce(
    (sum, line) => sum + BigInt(line.value) * BigInt(line.quantity),
    BigInt(0),
  );
}

/**
 * Baidu's rule: Amount = Σ(PayPrice × Quantity) + Σ(PaymentInfo) − Σ(PreferentialInfo), each Value
 * × Quantity (contract §1.4.4).
 */
export function PaymentMatchesProducts(): PropertyDecorator {
  return rule("paymentMatchesProducts", (value, order) => {
    const payment = value as PaymentLike | undefined;
    const products = order.products as Array<{ payPrice: number; quantity: number }> | undefined;
    if (!payment || !Array.isArray(products) || !exact(payment, products)) return undefined;
    const expected =
      total(products.map((p) => ({ value: p.payPrice, quantity: p.quantity }))) +
      total(payment.charges) -
      total(payment.discounts);
    return BigInt(payment.amount) === expected
      ? undefined
      : `amount must equal Σ(products payPrice × quantity) + Σ(charges) − Σ(discounts), which is ${expected} fen for this order`;
  });
}

/* ---------------------------------------------------------------------------------------------
 * Text and batch limits. Baidu documents no maximum length and no character rules for any string
 * field, nor the largest batch of E2/E3/E5/E6 (contract §1.4, §3.5): every limit below that does
 * not cite Baidu is the gateway's own, chosen so that a real order never comes near it while a
 * hostile value (NUL, ESC, CR/LF, U+202E, a lone surrogate, 900 KB) is refused before anything is
 * recorded or sent. Lengths count Unicode characters (code points): 苹 and 😀 count one each. Each
 * kind of problem is a violation of its own, and no message quotes the value.
 * ------------------------------------------------------------------------------------------- */

/** Maximum lengths, in characters. */
export const MAX_CHARS = {
  /**
   * App keys and courier codes: Baidu's AppKeys have 32 characters, its courier codes at most 10.
   */
  code: 64,
  /**
   * Ids: order, after-sale order and product ids, openId, swanId, tracking numbers (a UUID has 36).
   */
  id: 128,
  /** Titles and names: order title, product, SKU attribute, payment line, courier, link name. */
  name: 256,
  /** A product's short description. */
  description: 1024,
  /** Schemes and URLs: the de-facto URL limit of browsers, CDNs and sitemaps. */
  link: 2048,
  /** Baidu's cashier order id is a Long (contract §1.1): at most 19 decimal digits. */
  cashierOrderIdDigits: 19,
} as const;

/**
 * Maximum list sizes inside one order or after-sale order; the batches per call are `InputLimits`.
 */
export const MAX_ITEMS = {
  /** Baidu: `ImgList` at most 5 (contract §1.4.3). */
  images: 5,
  /** Baidu: `SkuAttr` at most 4 (contract §1.4.3). */
  skuAttrs: 4,
  /** Product lines of one order. */
  products: 100,
  /** Discounts, and other charges, of one payment (each list). */
  paymentLines: 20,
  /** Refunded, or returned, products of one after-sale order (each list). */
  refundProducts: 100,
  /** Tracking numbers of one order. */
  express: 20,
} as const;

/**
 * The batch sizes per call, where Baidu's real limit is unknown: set from the configuration at
 * start.
 */
export interface InputLimits {
  /** Orders in one updateOrderStatus call (`Data` items of E3; Baidu's example sends 2). */
  maxOrdersPerCall: number;
  /**
   * After-sale orders in one appendAfterSaleOrders, updateAfterSaleOrder or
   * updateAfterSaleOrderStatus call (and in an order's after-sale info).
   */
  maxAfterSaleItemsPerCall: number;
}

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = {
  maxOrdersPerCall: 100,
  maxAfterSaleItemsPerCall: 100,
};

let inputLimits: InputLimits = { ...DEFAULT_INPUT_LIMITS };

/** The batch limits in force. */
export function getInputLimits(): Readonly<InputLimits> {
  return inputLimits;
}

/**
 * Sets the batch limits (from `limits.maxOrdersPerCall` and `limits.maxAfterSaleItemsPerCall`);
 * keys left out keep their current value. They are read on every validation, so a change applies
 * to the next request. Each must be a whole number of at least 1.
 */
export function setInputLimits(limits: Partial<InputLimits>): void {
  const next = { ...inputLimits };
  for (const key of Object.keys(DEFAULT_INPUT_LIMITS) as Array<keyof InputLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`limits.${key} must be a whole number of at least 1`);
    next[key] = value;
  }
  inputLimits = next;
}

/** What a list of more than `max` items is told, in the words of class-validator's ArrayMaxSize. */
export const tooManyItems = (max: number): string => `must contain no more than ${max} elements`;

/** The name of the `AtMostPerCall` rule; its one constraint is the `InputLimits` key. */
export const AT_MOST_PER_CALL = "atMostPerCall";

/**
 * A list of at most `getInputLimits()[limit]` items;
 * the message reads like class-validator's ArrayMaxSize.
 */
export function AtMostPerCall(limit: keyof InputLimits): PropertyDecorator {
  return rule(
    AT_MOST_PER_CALL,
    (value) => {
      const max = inputLimits[limit];
      return Array.isArray(value) && value.length > max ? tooManyItems(max) : undefined;
    },
    [limit],
  );
}

/**
 * C0 (U+0000–U+001F: NUL, ESC, TAB, CR and LF included), DEL and C1 (U+007F–U+009F), and the line
 * and paragraph separators U+2028, U+2029.
 */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/**
 * With the `u` flag \p{Cs} matches only a surrogate that is not half of a pair: text that is not
 * valid Unicode.
 */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * The bidirectional marks, embeddings, overrides and isolates: U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/**
 * The other invisible format characters (Unicode Cf): zero-width space and joiners, U+2060, U+FEFF,
 * soft hyphen, tags.
 */
const INVISIBLE = /(?![\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069])\p{Cf}/u;
/**
 * Space separators (U+0020, U+00A0, U+3000, …); the other white space characters are control
 * characters.
 */
const SPACE = /\p{Zs}/u;

/** Whether `text` has more than `max` code points, without counting a long text to its end. */
function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true; // a code point is one or two UTF-16 units
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

/** "a", "a or b", "a, b or c". */
function spoken(items: readonly string[], conjunction: "and" | "or"): string {
  return items.length < 2
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}

/**
 * The characters a kind of text refuses anywhere in it, each with the name its message gives it.
 */
const REFUSED = {
  control: { pattern: CONTROL, name: "control characters" },
  loneSurrogate: { pattern: LONE_SURROGATE, name: "lone surrogates" },
  bidi: { pattern: BIDI, name: "bidirectional controls" },
  invisible: { pattern: INVISIBLE, name: "invisible formatting characters" },
  space: { pattern: SPACE, name: "white space" },
} as const;

interface TextKind {
  max: number;
  refused: ReadonlyArray<keyof typeof REFUSED>;
  /**
   * No white space at either end (ids); a blank value is then left to NotBlank, so it is reported
   * once.
   */
  trimmed: boolean;
}

interface Findings {
  tooLong: boolean;
  refused: Set<keyof typeof REFUSED>;
  edges: boolean;
}

/** What is wrong with one text; undefined when nothing is. */
function findingsOf(text: string, kind: TextKind, fastPath: RegExp): Findings | undefined {
  const tooLong = longerThan(text, kind.max);
  const edges =
    kind.trimmed && (SPACE.test(text.charAt(0)) || SPACE.test(text.charAt(text.length - 1)));
  if (!tooLong && !edges && !fastPath.test(text)) return undefined;
  return {
    tooLong,
    edges,
    refused: new Set(kind.refused.filter((key) => REFUSED[key].pattern.test(text))),
  };
}

/**
 * One message for all the findings, e.g. "must be at most 64 characters and must not contain
 * control characters or bidirectional controls".
 */
function describeFindings(findings: Findings, kind: TextKind): string {
  const refused = kind.refused
    .filter((key) => findings.refused.has(key))
    .map((key) => REFUSED[key].name);
  const parts = [
    ...(findings.tooLong ? [`must be at most ${kind.max} characters`] : []),
    ...(refused.length > 0 ? [`must not contain ${spoken(refused, "or")}`] : []),
    ...(findings.edges ? ["must not start or end with white space"] : []),
  ];
  return spoken(parts, "and");
}

/**
 * One rule per field, whatever it finds: class-validator's cost is per rule, and one rule per
 * check made validating an order three times as slow. A value that is not a string (absent, null)
 * passes: presence is NotBlank's business. With `each`, the value is a list whose every string is
 * checked, and one message, for the problems of all of them, starts with `each <each>`.
 */
function textRule(
  name: string,
  kind: TextKind,
  options: { each?: string } = {},
): PropertyDecorator {
  // One scan for the common case, a text with none of the refused characters.
  const fastPath = new RegExp(
    kind.refused.map((key) => REFUSED[key].pattern.source).join("|"),
    "u",
  );
  const find = (value: unknown): Findings | undefined =>
    typeof value !== "string" || (kind.trimmed && isBlank(value))
      ? undefined
      : findingsOf(value, kind, fastPath);
  const { each } = options;
  if (!each) {
    return rule(name, (value) => {
      const findings = find(value);
      return findings && describeFindings(findings, kind);
    });
  }
  return rule(name, (value) => {
    if (!Array.isArray(value)) return undefined;
    const all = value.map(find).filter((findings): findings is Findings => findings !== undefined);
    if (all.length === 0) return undefined;
    const union: Findings = {
      tooLong: all.some((findings) => findings.tooLong),
      edges: all.some((findings) => findings.edges),
      refused: new Set(all.flatMap((findings) => [...findings.refused])),
    };
    return `each ${each} ${describeFindings(union, kind)}`;
  });
}

/**
 * An id or a code: at most `max` characters, printable (no control, bidirectional-control or
 * invisible formatting characters, no lone surrogates), and no white space at either end.
 */
export function Identifier(max: number): PropertyDecorator {
  return textRule("identifier", {
    max,
    refused: ["control", "loneSurrogate", "bidi", "invisible"],
    trimmed: true,
  });
}

/**
 * Free text (titles, names, descriptions): at most `max` characters, no control or
 * bidirectional-control characters, no lone surrogates.
 */
export function Text(max: number): PropertyDecorator {
  return textRule("text", { max, refused: ["control", "loneSurrogate", "bidi"], trimmed: false });
}

/**
 * A scheme or URL: at most `max` characters, no white space (percent-encode it), no control,
 * bidirectional-control or invisible formatting characters, no lone surrogates.
 */
export function Link(max: number, options: { each?: string } = {}): PropertyDecorator {
  return textRule(
    "link",
    { max, refused: ["control", "loneSurrogate", "bidi", "invisible", "space"], trimmed: false },
    options,
  );
}

/** The rules above, as each field's GraphQL description states them. */
export const describeLimits = {
  identifier: (max: number) =>
    `At most ${max} characters; no control, bidirectional-control or invisible formatting characters, no lone surrogates, no white space at either end.`,
  text: (max: number) =>
    `At most ${max} characters; no control (line breaks and tabs included) or bidirectional-control characters, no lone surrogates.`,
  link: (max: number, subject?: string) =>
    `${subject ? `${subject}: at most` : "At most"} ${max} characters; no white space (percent-encode it), no control, bidirectional-control or invisible formatting characters, no lone surrogates.`,
  list: (max: number, what: string) => `At most ${max} ${what}.`,
  perCall: (limit: keyof InputLimits, what: string) =>
    `At most ${DEFAULT_INPUT_LIMITS[limit]} ${what} by default (setting \`limits.${limit}\`).`,
};
