"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";

export interface Prepared { message: ReactNode; confirmLabel?: string; data?: unknown }

/**
 * A button that asks before it acts. `prepare` runs first (a dry run: how many jobs the action will touch) and its
 * message is what the dialog says; the action runs only on "Confirm". Escape or "Cancel" closes it.
 */
export function ConfirmButton({ label, title, prepare, onConfirm, disabled, className, testId }: {
  label: ReactNode; title: string; disabled?: boolean; className?: string; testId?: string;
  prepare: () => Promise<Prepared> | Prepared;
  onConfirm: (p: Prepared) => void;
}) {
  const [open, setOpen] = useState<Prepared | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  async function start() {
    setBusy(true);
    setErr(null);
    try {
      setOpen(await prepare());
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className={className ?? "btn btn-small"} disabled={disabled || busy} onClick={() => void start()} data-testid={testId}>
        {busy ? "Counting…" : label}
      </button>
      {err ? <span className="error-text" role="alert">{err}</span> : null}
      {open ? <ConfirmDialog title={title} prepared={open} onCancel={() => setOpen(null)} onConfirm={() => { setOpen(null); onConfirm(open); }} /> : null}
    </>
  );
}

function ConfirmDialog({ title, prepared, onCancel, onConfirm }: { title: string; prepared: Prepared; onCancel: () => void; onConfirm: () => void }) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") onCancel(); };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div className="modal panel" role="dialog" aria-modal="true" aria-labelledby="confirm-title" onClick={(e) => e.stopPropagation()} data-testid="confirm-dialog">
        <h2 id="confirm-title">{title}</h2>
        <div className="modal-body">{prepared.message}</div>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onCancel}>Cancel</button>
          <button type="button" className="btn btn-primary" ref={confirmRef} onClick={onConfirm}>{prepared.confirmLabel ?? "Confirm"}</button>
        </div>
      </div>
    </div>
  );
}
