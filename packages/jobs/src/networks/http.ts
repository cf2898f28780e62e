import { subscribe } from "node:diagnostics_channel";
import { Agent, request, type Dispatcher } from "undici";
import { NetworkError, type NetworkErrorDetails, type ErrorKind } from "./errors.ts";
import { normalizeHeaders, type HeaderMap } from "./headers.ts";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export type NetworkErrorClass = new (kind: ErrorKind, message: string, details: NetworkErrorDetails) => NetworkError;

export interface HttpCall {
  /** Names the network in errors. */
  network: string;
  method: "GET" | "POST";
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** One deadline for connect + headers + body together. */
  timeoutMs?: number;
  /** A body larger than this is refused (the connection is dropped), never buffered. */
  maxBodyBytes?: number;
  /** The caller's cancellation (worker shutdown). Its reason is rethrown as is, like fetch does. */
  signal?: AbortSignal;
  /**
   * Called once, as the request's headers are written to the socket: the moment the call really leaves, after any
   * connect and any wait in undici's queue. Not called when it never leaves (a refused connection, an abort).
   */
  onSent?: () => void;
  /** Errors are created as this class, so an operator can group them by network. */
  errorClass?: NetworkErrorClass;
  dispatcher?: Dispatcher;
}

export interface HttpResponse {
  status: number;
  headers: HeaderMap;
  body: string;
}

let agent: Agent | undefined;

/**
 * The process's keep-alive agent: connections to an API host are reused across calls and jobs. Created lazily so
 * importing the module opens nothing; `closeHttpAgent` lets a process's shutdown close it.
 */
export function httpAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connect: { timeout: DEFAULT_TIMEOUT_MS } });
  return agent;
}

export async function closeHttpAgent(): Promise<void> {
  const current = agent;
  agent = undefined;
  await current?.close();
}

class DeadlineExceeded extends Error {}

/**
 * `onSent` hooks by undici request. undici announces each request it creates synchronously inside `request()` and
 * each header write as it happens (its diagnostics channels), so the hook of the call being made is attached to the
 * request undici creates for it, and run when that request's headers go out.
 */
const sentHooks = new WeakMap<object, () => void>();
let creating: (() => void) | undefined;
let listening = false;

function listenForSends(): void {
  if (listening) return;
  listening = true;
  subscribe("undici:request:create", (message) => {
    if (creating === undefined) return;
    sentHooks.set((message as { request: object }).request, creating);
    creating = undefined;
  });
  subscribe("undici:client:sendHeaders", (message) => {
    const request = (message as { request: object }).request;
    const hook = sentHooks.get(request);
    if (hook === undefined) return;
    sentHooks.delete(request);
    runHook(hook);
  });
}

/** Runs inside undici's write path or the caller's: a hook that throws must not break the request. */
function runHook(hook: () => void): void {
  try {
    hook();
  } catch {
    // the hook's failure is its own business, never the call's
  }
}

/**
 * One HTTP call with a hard deadline and a body-size cap. Connection failures, resets and timeouts become a
 * `transient` NetworkError carrying an errno-like `code`; the engine's circuit breaker, which sees many accounts,
 * is what turns a sustained run of them into an `outage`. Messages name the method and path only: the query
 * string can hold a token (Facebook's `access_token`).
 */
export async function httpCall(call: HttpCall): Promise<HttpResponse> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = call.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const ErrorClass = call.errorClass ?? NetworkError;
  const label = `${call.network} ${call.method} ${call.url.pathname}`;
  const fail = (code: string, message: string, cause?: unknown) =>
    new ErrorClass("transient", `${label}: ${message}`, { network: call.network, code, cause });

  call.signal?.throwIfAborted();
  // A local controller rather than AbortSignal.any/timeout: the caller's signal lives as long as the worker, and
  // each call must take its listener and timer away again when it settles.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded()), timeoutMs);
  const onCallerAbort = () => controller.abort(call.signal?.reason);
  call.signal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    if (call.onSent) {
      listenForSends();
      creating = call.onSent;
    }
    let pending: ReturnType<typeof request>;
    try {
      pending = request(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: controller.signal,
        dispatcher: call.dispatcher ?? httpAgent(),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } finally {
      // A dispatcher that creates no undici request as it is called (a mock): the call leaves now, as far as we know.
      const unclaimed = creating;
      creating = undefined;
      if (unclaimed) runHook(unclaimed);
    }
    const res = await pending;
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.body.destroy();
      throw fail("BODY_TOO_LARGE", `refused a ${declared}-byte body (cap ${maxBytes})`);
    }
    const body = await readCapped(res.body, maxBytes, () => fail("BODY_TOO_LARGE", `body exceeds the ${maxBytes}-byte cap`));
    return { status: res.statusCode, headers: normalizeHeaders(res.headers), body };
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    if (call.signal?.aborted) throw call.signal.reason;
    if (controller.signal.reason instanceof DeadlineExceeded) {
      throw fail("ETIMEDOUT", `no complete answer within ${timeoutMs} ms`, err);
    }
    const code = errorCode(err);
    throw fail(code, `connection failed (${code})`, err);
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** Reads the body chunk by chunk and drops the connection as soon as the cap is passed. */
async function readCapped(body: Dispatcher.ResponseData["body"], maxBytes: number, tooLarge: () => NetworkError): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/** errno-style code of a connection failure: undici's own codes mapped to the familiar ones. */
export function errorCode(err: unknown): string {
  const code = findCode(err);
  if (code === undefined) return "ENETWORK";
  if (TIMEOUT_CODES.has(code)) return "ETIMEDOUT";
  // "other side closed" / "socket hang up": the peer dropped the connection.
  if (code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") return "ECONNRESET";
  return code;
}

function findCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 3) return undefined;
  if ("code" in err && typeof err.code === "string") return err.code;
  // Node's happy-eyeballs connect reports an AggregateError of one error per address tried.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const code = findCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return "cause" in err ? findCode(err.cause, depth + 1) : undefined;
}
