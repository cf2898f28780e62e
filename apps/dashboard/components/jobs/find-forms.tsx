"use client";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";

/** Jump straight to a job (ids are deterministic: tree-network-account-page) or to an account's jobs. */
export function FindForms() {
  const router = useRouter();
  const submit = (to: (v: string) => string) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get("v") ?? "").trim();
    if (v) router.push(to(v));
  };
  return (
    <div className="row find-forms">
      <form className="filters" onSubmit={submit((v) => `/jobs/${encodeURIComponent(v)}`)} aria-label="Find a job">
        <input name="v" placeholder="job id" aria-label="job id" maxLength={512} className="wide" />
        <button type="submit" className="btn btn-small">Open job</button>
      </form>
      <form className="filters" onSubmit={submit((v) => `/accounts?account=${encodeURIComponent(v)}`)} aria-label="Find an account's jobs">
        <input name="v" placeholder="network:account" aria-label="account" maxLength={300} />
        <button type="submit" className="btn btn-small">Account&apos;s jobs</button>
      </form>
    </div>
  );
}
