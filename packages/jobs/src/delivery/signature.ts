import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures as INTERFACES.md fixes them: header `Fanout-Signature: t=UNIX_SECONDS,v1=HEX`, HEX being the
 * HMAC-SHA256, keyed by the UTF-8 bytes of the endpoint's secret, of `t + "." + body`. The host verifies with
 * `verifySignature` (or its own twenty lines): several `v1=` are accepted, so a secret can be rolled.
 */
export const SIGNATURE_HEADER = "Fanout-Signature";

export function signatureOf(secret: string, unixSeconds: number, body: string | Buffer): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(`${unixSeconds}.`).update(body).digest("hex");
}

export function signatureHeader(secret: string, unixSeconds: number, body: string | Buffer): string {
  return `t=${unixSeconds},v1=${signatureOf(secret, unixSeconds, body)}`;
}

/**
 * True when `header` carries a v1 signature of `body` under `secret` made within `toleranceSec` of `nowSec`.
 * `body` must be the raw bytes received (re-serialized JSON will not match). Compares in constant time.
 */
export function verifySignature(secret: string, header: string | null | undefined, body: string | Buffer, toleranceSec = 300, nowSec = Math.floor(Date.now() / 1_000)): boolean {
  if (!header || header.length > 4_096) return false;
  let t: number | null = null;
  const sigs: string[] = [];
  for (const part of header.split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k === "t" && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === "v1" && /^[0-9a-f]{64}$/.test(v)) sigs.push(v);
  }
  if (t === null || !sigs.length || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(signatureOf(secret, t, body), "hex");
  let ok = false;
  for (const s of sigs) ok = timingSafeEqual(expected, Buffer.from(s, "hex")) || ok;
  return ok;
}
