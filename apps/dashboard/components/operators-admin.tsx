"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Role } from "@fanout/jobs/operators";
import { fetchJson } from "../lib/fetch-json.ts";
import { formatClock } from "../lib/overview-data.ts";
import { useOperators } from "../lib/queries.ts";
import { qk } from "../lib/query-keys.ts";
import { ROLES } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";

export function OperatorsAdmin({ self }: { self: string }) {
  const operators = useOperators();
  const { csrf } = useConsoleSession();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: qk.operators.all() });
  const change = useMutation({
    mutationFn: (v: { name: string; role?: Role; remove?: boolean }) => v.remove
      ? fetchJson(`/api/operators/${encodeURIComponent(v.name)}`, { method: "DELETE", csrf })
      : fetchJson(`/api/operators/${encodeURIComponent(v.name)}`, { method: "PATCH", body: { role: v.role }, csrf }),
    onSettled: refresh,
  });
  return (
    <div className="grid-2 grid-wide-left">
      <Panel title="Operators">
        <Fresh query={operators}>
          <table className="table" data-testid="operators-table">
            <thead><tr><th>Name</th><th>Role</th><th className="r">Created</th><th className="r" /></tr></thead>
            <tbody>
              {operators.data?.operators.map((o) => (
                <tr key={o.name} data-operator={o.name}>
                  <td>{o.name}{o.name === self ? <span className="muted small"> (you)</span> : null}</td>
                  <td>
                    <select aria-label={`role of ${o.name}`} value={o.role} disabled={change.isPending}
                      onChange={(e) => change.mutate({ name: o.name, role: e.target.value as Role })}>
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  </td>
                  <td className="r num muted">{new Date(o.createdAt).toISOString().slice(0, 10)} {formatClock(o.createdAt)}</td>
                  <td className="r">
                    <button type="button" className="btn btn-small btn-danger" disabled={o.name === self || change.isPending}
                      onClick={() => { if (window.confirm(`Remove operator ${o.name}? Their sessions end at once.`)) change.mutate({ name: o.name, remove: true }); }}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {change.isError ? <p className="form-error" role="alert">{change.error.message}</p> : null}
        </Fresh>
      </Panel>
      <Panel title="Add an operator"><AddOperator onAdded={refresh} /></Panel>
    </div>
  );
}

function AddOperator({ onAdded }: { onAdded: () => Promise<void> }) {
  const { csrf } = useConsoleSession();
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (v: { name: string; password: string; role: Role }) => fetchJson<{ name: string; role: Role }>("/api/operators", { method: "POST", body: v, csrf }),
    onSuccess: async (r) => { setDone(`Added ${r.name} (${r.role}).`); await onAdded(); },
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setDone(null);
    add.mutate({ name: String(f.get("name") ?? ""), password: String(f.get("password") ?? ""), role: String(f.get("role") ?? "viewer") as Role });
  }
  return (
    <form className="form" onSubmit={submit} aria-label="Add an operator">
      <label><span>Name</span><input name="name" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9_.@\-]*" autoComplete="off" /></label>
      <label><span>Password</span><input name="password" type="password" required minLength={8} maxLength={1024} autoComplete="new-password" /></label>
      <label>
        <span>Role</span>
        <select name="role" defaultValue="viewer">{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
      </label>
      {add.isError ? <p className="form-error" role="alert">{add.error.message}</p> : null}
      {done ? <p className="form-ok" role="status">{done}</p> : null}
      <button type="submit" className="btn btn-primary" disabled={add.isPending}>Add operator</button>
      <p className="muted small">The CLI does the same: <code>fanout operators add NAME --role R</code> (password from stdin).</p>
    </form>
  );
}
