import type { ReactNode } from "react";
import { formatPct } from "../../lib/format.ts";

const TONE: Record<string, string> = {
  done: "pill-ok", completed: "pill-ok", running: "pill-ok", active: "pill-ok", closed: "pill-ok", flowing: "pill-ok", connected: "pill-ok", committing: "pill-ok",
  pending: "pill-muted", wait: "pill-muted", waiting: "pill-muted", prioritized: "pill-purple", unknown: "pill-muted",
  delayed: "pill-warn", parked: "pill-warn", partial: "pill-warn", paused: "pill-warn", "half-open": "pill-warn", half_open: "pill-warn", probe: "pill-warn",
  failed: "pill-bad", open: "pill-bad", disconnected: "pill-bad",
};

/** A state as a coloured pill: the same colour for the same word on every page. */
export function StatePill({ state, testId }: { state: string; testId?: string }) {
  return <span className={`pill ${TONE[state] ?? "pill-muted"}`} data-testid={testId}>{state}</span>;
}

export function ProgressBar({ fraction, tone = "ok", label }: { fraction: number | null; tone?: "ok" | "warn" | "bad"; label?: ReactNode }) {
  const pct = fraction === null ? 0 : Math.max(0, Math.min(1, fraction)) * 100;
  return (
    <div className="progress" title={formatPct(fraction)}>
      <div className={`progress-bar progress-${tone}`} style={{ width: `${pct}%` }} />
      {label ? <span className="progress-label num">{label}</span> : null}
    </div>
  );
}

/** Segmented choice (ranges, states, networks): a radio group that looks like tabs. */
export function Segmented<T extends string>({ value, options, onChange, label }: { value: T; options: readonly { value: T; label: ReactNode }[]; onChange: (v: T) => void; label: string }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={o.value === value} className={o.value === value ? "seg seg-on" : "seg"} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function KV({ items }: { items: [ReactNode, ReactNode][] }) {
  return (
    <dl className="kvs">
      {items.map(([k, v], i) => (
        <div key={i} className="kvs-row"><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
