import type { RateObservation } from "./types.ts";

/** Every way a third-party call can end badly, by what the worker should do about it. */
export type ErrorKind = "rate_limited" | "auth_invalid" | "transient" | "permanent" | "outage";

export const ERROR_KINDS: readonly ErrorKind[] = ["rate_limited", "auth_invalid", "transient", "permanent", "outage"];

export interface NetworkErrorDetails {
  network: string;
  status?: number;
  /** The network's own error code (Facebook `code`, LinkedIn `serviceErrorCode`, Twitter problem `type`/`title`). */
  code?: string;
  subcode?: string;
  /** When the API says (or the headers imply) when to come back. */
  retryAfterMs?: number;
  /** What the response's rate-limit headers said, when it had any (429s usually do). */
  rate?: RateObservation;
  cause?: unknown;
}

/** Base of every network error: callers branch on `kind`, never on the message. Messages never carry tokens. */
export class NetworkError extends Error {
  readonly network: string;
  readonly status?: number;
  readonly code?: string;
  readonly subcode?: string;
  readonly retryAfterMs?: number;
  readonly rate?: RateObservation;

  constructor(readonly kind: ErrorKind, message: string, details: NetworkErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.network = details.network;
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
    if (details.subcode !== undefined) this.subcode = details.subcode;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.rate !== undefined) this.rate = details.rate;
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
