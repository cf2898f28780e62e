/** A response decided but not yet written: the pipeline may delay it (latency), cut it (malformed) or drop it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_TYPE = "application/json; charset=utf-8";

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Body already serialised (the hot path builds page JSON by hand). */
export function rawJson(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": JSON_TYPE, ...headers }, body };
}

export function htmlReply(status: number, body: string): Reply {
  return { status, headers: { "content-type": "text/html; charset=utf-8" }, body };
}
