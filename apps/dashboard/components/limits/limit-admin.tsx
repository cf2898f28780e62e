"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { LimitsDoc } from "../../lib/api-types.ts";
import { fetchJson } from "../../lib/fetch-json.ts";
import { describeWindow } from "../../lib/limits-data.ts";
import { qk } from "../../lib/query-keys.ts";
import { useConsoleSession } from "../providers.tsx";
import { ConfirmButton } from "../ui/confirm.tsx";

interface Factor { scope: "token" | "app" | "ip"; max: number; windowMs: number; endpoint?: string }

/**
 * Admins override a network's published limit (one factor: scope, max, window, endpoint) and/or cap the adaptive
 * rate; both take effect fleet-wide within a second and are audited. "Reset" returns to the configured limits.
 */
export function OverrideForm({ network, doc }: { network: string; doc: LimitsDoc }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const first = doc.gauges.published[0];
  const [f, setF] = useState<Factor>({ scope: first?.scope ?? "token", max: first?.max ?? 15, windowMs: first?.windowMs ?? 900_000, ...(first?.endpoint ? { endpoint: first.endpoint } : {}) });
  const [cap, setCap] = useState<string>("");
  const [note, setNote] = useState<string | null>(null);
  const post = useMutation({
    mutationFn: (v: { path: string; body?: unknown }) => fetchJson(`/api/limits/${encodeURIComponent(network)}/${v.path}`, { method: "POST", body: v.body ?? {}, csrf: session.csrf }),
    onSuccess: (_r, v) => setNote(v.path === "reset" ? "overrides removed" : "override saved: in force fleet-wide within a second"),
    onError: (e) => setNote(e.message),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.limits(network) }),
  });
  const body = () => ({ limits: [f], ...(cap ? { adaptiveCap: Number(cap) } : {}) });
  const num = (e: FormEvent<HTMLInputElement>) => Number(e.currentTarget.value);
  return (
    <div className="override">
      <form className="filters wrap" aria-label="Override a limit" onSubmit={(e) => e.preventDefault()}>
        <label className="inline">scope
          <select value={f.scope} onChange={(e) => setF({ ...f, scope: e.target.value as Factor["scope"] })}><option>token</option><option>app</option><option>ip</option></select>
        </label>
        <label className="inline">max calls<input type="number" min={1} value={f.max} onInput={(e) => setF({ ...f, max: num(e) })} className="narrow" /></label>
        <label className="inline">per (ms)<input type="number" min={100} value={f.windowMs} onInput={(e) => setF({ ...f, windowMs: num(e) })} className="narrow" /></label>
        <label className="inline">endpoint
          <select value={f.endpoint ?? ""} onChange={(e) => setF(e.target.value ? { ...f, endpoint: e.target.value } : { scope: f.scope, max: f.max, windowMs: f.windowMs })}>
            <option value="">all calls</option><option value="followers">followers</option><option value="profile">profile</option>
          </select>
        </label>
        <label className="inline">adaptive cap /s<input type="number" min={0.1} step={0.1} value={cap} placeholder="none" onInput={(e) => setCap(e.currentTarget.value)} className="narrow" /></label>
        <ConfirmButton label="Apply override…" title={`Override ${network}'s limits`} className="btn btn-small btn-primary" disabled={post.isPending}
          prepare={() => ({ message: <p>Replace every published limit of <b>{network}</b> with <b>{f.max} calls per {describeWindow(f.windowMs)}</b> per {f.scope}{f.endpoint ? ` on ${f.endpoint}` : ""}{cap ? <>, and cap the adaptive rate at <b>{cap}/s</b></> : null}? The whole fleet follows within a second.</p> })}
          onConfirm={() => post.mutate({ path: "override", body: body() })} />
        <ConfirmButton label="Reset to configured" title={`Reset ${network}'s limits`} disabled={post.isPending || !Object.keys(doc.gauges.overrides).length}
          prepare={() => ({ message: <p>Remove every override of <b>{network}</b> and return to its configured limits?</p> })} onConfirm={() => post.mutate({ path: "reset" })} />
      </form>
      {note ? <p className="small" role="status">{note}</p> : null}
    </div>
  );
}

/** Forgets what a key has counted (and any block on it): the next API answer corrects it again. */
export function ClearKey({ network, gaugeKey }: { network: string; gaugeKey: string }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const clear = useMutation({
    mutationFn: () => fetchJson(`/api/limits/${encodeURIComponent(network)}/clear`, { method: "POST", body: { key: gaugeKey }, csrf: session.csrf }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.limits(network) }),
  });
  return (
    <ConfirmButton label="Clear" title="Clear a limit key" className="btn btn-tiny" disabled={clear.isPending}
      prepare={() => ({ message: <p>Forget the calls counted on <span className="mono">{gaugeKey}</span> and any block on it? If the API still counts them, its next answer says so and the key fills again.</p> })}
      onConfirm={() => clear.mutate()} />
  );
}
