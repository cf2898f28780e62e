/** Number and time formatting shared by every view: plain functions, the clock passed in. */

/** "850 ms", "4.2 s", "45 s", "12 min", "1 h 05 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)} ms`;
  if (abs < 10_000) return `${(abs / 1_000).toFixed(1)} s`;
  const s = Math.round(abs / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 && m < 10 ? ` ${String(s % 60).padStart(2, "0")} s` : ""}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A live countdown: "resets in 7 s", "now" once past. */
export function countdown(targetMs: number | null, nowMs: number): string {
  if (targetMs === null) return "—";
  const left = targetMs - nowMs;
  if (left <= 0) return "now";
  const s = Math.ceil(left / 1_000);
  return s < 60 ? `in ${s} s` : `in ${formatDuration(s * 1_000)}`;
}

/** Calls per second, readable at any magnitude: "1.67/s", "12/min", "4/h". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "0/s";
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 0.1) return `${perSecond.toFixed(2).replace(/\.?0+$/, "")}/s`;
  if (perSecond * 60 >= 1) return `${(perSecond * 60).toFixed(1).replace(/\.0$/, "")}/min`;
  return `${(perSecond * 3_600).toFixed(1).replace(/\.0$/, "")}/h`;
}

export function formatPct(x: number | null): string {
  return x === null || !Number.isFinite(x) ? "—" : `${Math.round(x * 100)}%`;
}

/** "2026-11-24 19:28:23" in the browser's zone: the audit log and job detail show full times. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
