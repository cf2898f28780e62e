"use client";
import { useState, type FormEvent } from "react";
import { ApiError, fetchJson } from "../lib/fetch-json.ts";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await fetchJson("/api/auth/login", { method: "POST", body: { name: String(form.get("name") ?? ""), password: String(form.get("password") ?? "") } });
      // A full load, so the console renders server-side with the new session.
      window.location.assign(next);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <label>
        <span>Name</span>
        <input name="name" autoComplete="username" required maxLength={64} autoFocus />
      </label>
      <label>
        <span>Password</span>
        <input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
      </label>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
