/** Too many requests for one API key in its window; `retryAfterMs` says when one more fits (429, Retry-After). */
export class RateLimitedError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = "RateLimitedError";
  }
}

/** A webhook attempt that did not get a 2xx: BullMQ retries it on the webhook schedule. */
export class WebhookDeliveryError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = "WebhookDeliveryError";
  }
}

/** A request the API refuses before it reaches a route's logic: wrong content type (415), too large (413), not JSON (400). */
export class ApiRequestError extends Error {
  constructor(message: string, readonly status: 400 | 413 | 415) {
    super(message);
    this.name = "ApiRequestError";
  }
}
