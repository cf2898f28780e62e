/**
 * One webhook attempt: a POST with a hard deadline over the whole exchange (connect, headers, the capped body), no
 * redirects followed, and at most `capBytes` of the response kept (the rest is never read: a host answering with a
 * huge page costs us nothing).
 */
export interface PostResult { status: number | null; body: string; error: string | null }

export async function postJson(url: string, body: string, headers: Record<string, string>, opts: { timeoutMs: number; capBytes: number }): Promise<PostResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "user-agent": "Fanout-Webhooks/1", ...headers }, redirect: "manual", signal });
  } catch (err) {
    return { status: null, body: "", error: describe(err, opts.timeoutMs) };
  }
  let kept = "";
  try {
    kept = await readCapped(res, opts.capBytes);
  } catch (err) {
    // The status is what counts; a body cut off by the deadline only loses the excerpt.
    return { status: res.status, body: kept, error: `response body: ${describe(err, opts.timeoutMs)}` };
  }
  return { status: res.status, body: kept, error: null };
}

async function readCapped(res: Response, cap: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < cap) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel();
  }
  return Buffer.concat(chunks).subarray(0, cap).toString("utf8");
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ? `${e.cause.code}: ${e.cause.message ?? ""}`.trim() : (e.message ?? String(err));
}
