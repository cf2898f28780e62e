/**
 * What the console shows of a job's payload. Payloads hold primitives only (the jobs package's catalog), but the
 * console still shows only fields it knows, and only primitive values: a field added later, or an odd job in a
 * queue, is counted as hidden rather than sent to the browser.
 */
export const PAYLOAD_FIELDS = [
  "treeId", "network", "accountId", "authAccount", "page", "mode", "cursor", "offset", "pageSize", "window", "authRetried", "total0",
  "schedule", "manual",
] as const;

export type PayloadValue = string | number | boolean | null;
export interface SafePayload { fields: [string, PayloadValue][]; hidden: number }

export function safePayload(data: unknown): SafePayload {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return { fields: [], hidden: data === undefined || data === null ? 0 : 1 };
  const known = new Set<string>(PAYLOAD_FIELDS);
  const fields: [string, PayloadValue][] = [];
  let hidden = 0;
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const primitive = v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
    if (known.has(k) && primitive) fields.push([k, typeof v === "string" ? v.slice(0, 2_048) : v]);
    else hidden++;
  }
  fields.sort((a, b) => PAYLOAD_FIELDS.indexOf(a[0] as (typeof PAYLOAD_FIELDS)[number]) - PAYLOAD_FIELDS.indexOf(b[0] as (typeof PAYLOAD_FIELDS)[number]));
  return { fields, hidden };
}

/** `NETWORK:ACCOUNT` of a page job, or null for other jobs. */
export function accountOf(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as { network?: unknown; accountId?: unknown };
  return typeof d.network === "string" && typeof d.accountId === "string" ? `${d.network}:${d.accountId}` : null;
}

/** 2, 6 and 11 are a fan-out's pages: one step behind their sync's priority (processor.ts). */
export const PRIORITY_NAMES: Record<number, string> = { 1: "high", 2: "high (fan-out)", 5: "normal", 6: "normal (fan-out)", 10: "low", 11: "low (fan-out)" };
export const priorityName = (p: number): string => PRIORITY_NAMES[p] ?? (p ? String(p) : "—");

/** How many jobs an audit entry says it touched, whatever the action called them. */
export function affected(details: Record<string, unknown>): number | null {
  for (const k of ["requeued", "moved", "changed", "removed", "resumed", "cancelled"]) {
    const v = details[k];
    if (typeof v === "number") return v;
  }
  return null;
}
