"use client";
import { useState } from "react";
import { fetchJson } from "../../lib/fetch-json.ts";
import { useConsoleSession } from "../providers.tsx";
import { LiveIndicator } from "./live-indicator.tsx";

export function TopBar() {
  const session = useConsoleSession();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  async function signOut() {
    setBusy(true);
    try {
      await fetchJson("/api/auth/logout", { method: "POST", csrf: session.csrf });
      window.location.assign("/login");
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  }
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>◆</span> Fanout <span className="brand-sub">console</span>
      </div>
      <LiveIndicator />
      <div className="topbar-right">
        {err ? <span className="error-text">{err}</span> : null}
        <span className="who" data-testid="operator">
          <span className="who-name">{session.name}</span>
          <span className={`role role-${session.role}`} data-testid="operator-role">{session.role}</span>
        </span>
        <button type="button" className="btn btn-ghost" onClick={() => void signOut()} disabled={busy}>Sign out</button>
      </div>
    </header>
  );
}
