import { z } from "zod";
import { NetworkError, type ErrorKind } from "./errors.ts";
import { retryAfterMs as parseRetryAfter, msUntil, type HeaderMap } from "./headers.ts";
import type { NetworkErrorClass } from "./http.ts";
import type { RateObservation } from "./types.ts";

/**
 * Turning one HTTP response into a value or a NetworkError, without any I/O: the same code serves the live client
 * and the table tests. Order matters: the network's classifier sees every response first (Facebook sends error
 * bodies with HTTP 200), then the status decides, and only then is a 2xx body trusted, after its content type,
 * its JSON and its shape have been checked.
 */

export interface RawResponse {
  status: number;
  headers: HeaderMap;
  body: string;
}

export interface ClassifyInput {
  status: number;
  headers: HeaderMap;
  /** The parsed JSON when the body is JSON, else the raw text ("" when empty). */
  body: unknown;
  /** What the rate-limit headers said (plus Retry-After), already parsed. */
  rate: RateObservation | null;
  now: number;
}

export interface FailExtra {
  code?: string;
  subcode?: string;
  retryAfterMs?: number;
}

/** Builds the network's own error class with network, status and rate filled in. */
export type Fail = (kind: ErrorKind, message: string, extra?: FailExtra) => NetworkError;

/** Recognizes the network's error answers; null means "not an error this network describes" (not "success"). */
export type Classifier = (res: ClassifyInput, fail: Fail) => NetworkError | null;

export interface ResponseSpec {
  name: string;
  errorClass: NetworkErrorClass;
  parseRate?: (headers: HeaderMap, now: number) => RateObservation | null;
  classify?: Classifier;
}

/** Reads the JSON of a trusted 2xx into what the caller wants; throws MalformedBody when it cannot. */
export interface Decoder<I, O> {
  decode(json: unknown, res: RawResponse, input: I): O;
  /** Tried before the network's classifier (e.g. OAuth errors on a token endpoint). */
  classify?: Classifier;
}

export interface DecoderDef<I, S extends z.ZodType, O> {
  /** The success body's shape: the boundary check. */
  schema: S;
  read(body: z.infer<S>, res: RawResponse, input: I): O;
  classify?: Classifier;
}

/** A decoder from a zod schema: a body of the wrong shape is malformed, never an empty page. */
export function decoder<I, S extends z.ZodType, O>(def: DecoderDef<I, S, O>): Decoder<I, O> {
  return {
    classify: def.classify,
    decode(json, res, input) {
      const shaped = def.schema.safeParse(json);
      if (!shaped.success) {
        const issue = shaped.error.issues[0];
        throw new MalformedBody(`unexpected shape at ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "(root)"}`);
      }
      return def.read(shaped.data, res, input);
    },
  };
}

export interface InterpretContext {
  now: number;
  /** "GET /2/users/1/followers": names the call in messages (never a query string). */
  label: string;
  /** Values that must never appear in a message (the token, a refresh token). */
  secrets: readonly string[];
}

/**
 * A page's list of items, each an object whose `key` is a string that `valid` accepts, checked in one loop and kept
 * as they are. zod's array of objects rebuilds every item: a thousand new objects per page, for the collector
 * (issue 11). A bad list is malformed like any other shape error, naming the first bad item.
 */
export function itemsWith<K extends string>(key: K, valid: (value: string) => boolean, described: string) {
  const firstBad = (v: unknown): number => {
    if (!Array.isArray(v)) return -2;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const value = typeof item === "object" && item !== null ? (item as Record<string, unknown>)[key] : undefined;
      if (typeof value !== "string" || !valid(value)) return i;
    }
    return -1;
  };
  return z.custom<Record<K, string>[]>((v) => firstBad(v) === -1, {
    error: (iss) => {
      const i = firstBad(iss.input);
      return i === -2 ? "expected an array" : `item ${i}: expected an object whose "${key}" is ${described}`;
    },
  });
}

/** A follower id a network may send as any string: not empty, and no control characters (a page holding one is malformed). */
export function isPlainId(id: string): boolean {
  if (id.length === 0) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
export const PLAIN_ID = "a non-empty string without control characters";

/**
 * An error body's shape, read only when the body is an object holding one of `keys`. Classifiers run on every
 * response, pages included, and a page holds none of an error's keys: there a failed safeParse would build a
 * ZodError per page for nothing (issue 11). `keys` must hold every key the shape reads, so a body without them
 * answers as safeParse would have: nothing (or, for an all-optional shape, nothing the caller reads).
 */
export function errorShape<S extends z.ZodType>(schema: S, body: unknown, keys: readonly string[]): z.infer<S> | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !keys.some((k) => Object.hasOwn(body, k))) return undefined;
  const res = schema.safeParse(body);
  return res.success ? res.data : undefined;
}

/** Thrown by a decoder's `read` when a valid-looking body still cannot be used. */
export class MalformedBody extends Error {}

export function interpret<I, O>(spec: ResponseSpec, dec: Decoder<I, O>, raw: RawResponse, input: I, ctx: InterpretContext): { value: O; rate: RateObservation | null } {
  const rate = readRate(spec, raw.headers, ctx.now);
  const fail = failFactory(spec, raw.status, rate, ctx);
  const parsed = parseJson(raw);
  const classified: ClassifyInput = { status: raw.status, headers: raw.headers, body: parsed.ok ? parsed.value : raw.body, rate, now: ctx.now };
  const known = dec.classify?.(classified, fail) ?? spec.classify?.(classified, fail);
  if (known) throw known;
  if (raw.status < 200 || raw.status > 299) throw byStatus(raw.status, rate, ctx.now, fail);
  // A 2xx that is not JSON (an HTML "over capacity" page, a cut-off body) is a failed call, never an empty page.
  if (!parsed.ok) throw fail("transient", `malformed 2xx body: ${parsed.reason}`, { code: "MALFORMED" });
  try {
    return { value: dec.decode(parsed.value, raw, input), rate };
  } catch (err) {
    if (err instanceof MalformedBody) throw fail("transient", `malformed 2xx body: ${err.message}`, { code: "MALFORMED" });
    throw err;
  }
}

/** The classification of a response on its own: the error it would raise, or null when it is a usable page. */
export function classifyWith<I, O>(spec: ResponseSpec, dec: Decoder<I, O>, raw: RawResponse, input: I, now: number): NetworkError | null {
  try {
    interpret(spec, dec, raw, input, { now, label: "response", secrets: [] });
    return null;
  } catch (err) {
    if (err instanceof NetworkError) return err;
    throw err;
  }
}

function readRate(spec: ResponseSpec, headers: HeaderMap, now: number): RateObservation | null {
  const own = spec.parseRate?.(headers, now) ?? null;
  const retryAfter = parseRetryAfter(headers, now);
  if (retryAfter === undefined) return own;
  return { ...own, retryAfterMs: own?.retryAfterMs ?? retryAfter };
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** `\s` is the set trim() removes, so "no non-blank character" is exactly `trim() === ""`. */
const NON_BLANK = /\S/;

function parseJson(raw: RawResponse): Parsed {
  const type = raw.headers["content-type"];
  // A page body is tens of KB: find its first non-blank character (the first one, for JSON) rather than trim a copy.
  if (!NON_BLANK.test(raw.body)) return { ok: false, reason: "empty body" };
  if (type !== undefined && !/json/i.test(type)) return { ok: false, reason: `content type ${type.split(";")[0] ?? type}` };
  try {
    return { ok: true, value: JSON.parse(raw.body) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? `invalid JSON (${err.message})` : "invalid JSON" };
  }
}

/** What the status alone says, for error answers the network's classifier does not recognize. */
function byStatus(status: number, rate: RateObservation | null, now: number, fail: Fail): NetworkError {
  if (status === 401) return fail("auth_invalid", "HTTP 401");
  if (status === 429) return fail("rate_limited", "HTTP 429", { retryAfterMs: waitFrom(rate, now) });
  if (status === 408 || status >= 500) return fail("transient", `HTTP ${status}`, { retryAfterMs: rate?.retryAfterMs });
  if (status >= 400) return fail("permanent", `HTTP ${status}`);
  // 1xx/3xx: nothing the client follows; the engine's bounded retries decide.
  return fail("transient", `unexpected HTTP ${status}`);
}

/** How long a rate-limited caller should wait: the window's reset when the headers name one, else Retry-After. */
export function waitFrom(rate: RateObservation | null, now: number): number | undefined {
  return msUntil(rate?.resetAtMs, now) ?? rate?.retryAfterMs;
}

const TOKEN_PARAM = /((?:access_token|refresh_token|client_secret|token)=)[^&\s"'<>]+/gi;

/** Masks known secrets and anything that looks like a token parameter. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message.replace(TOKEN_PARAM, "$1[redacted]");
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

function failFactory(spec: ResponseSpec, status: number, rate: RateObservation | null, ctx: InterpretContext): Fail {
  return (kind, message, extra = {}) =>
    new spec.errorClass(kind, redact(`${spec.name} ${ctx.label}: ${message}`, ctx.secrets), {
      network: spec.name, status, rate: rate ?? undefined,
      code: extra.code, subcode: extra.subcode, retryAfterMs: extra.retryAfterMs,
    });
}

/** A short, single-line excerpt of an API's own error message, for operators. */
export function excerpt(text: unknown, max = 160): string {
  if (typeof text !== "string") return "";
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
