"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { DeliveryStatus } from "@fanout/jobs/delivery/webhooks";
import { fetchJson } from "../lib/fetch-json.ts";
import { formatDateTime } from "../lib/format.ts";
import { useApiKeys, useWebhooks } from "../lib/queries.ts";
import { qk } from "../lib/query-keys.ts";
import { roleAllows } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";
import { ConfirmButton } from "./ui/confirm.tsx";

/** A secret shown once, right after it was made: copy it now, it is never shown again. */
function ShownOnce({ label, value, onDismiss }: { label: string; value: string; onDismiss: () => void }) {
  return (
    <div className="form-ok" role="status" data-testid="shown-once">
      <p>{label} — copy it now: it is never shown again.</p>
      <code className="secret" data-testid="shown-once-value">{value}</code>
      <p><button type="button" className="btn btn-small" onClick={onDismiss}>Done</button></p>
    </div>
  );
}

export function ApiKeysAdmin() {
  const keys = useApiKeys();
  const { csrf } = useConsoleSession();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: qk.apikeys() });
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const add = useMutation({
    mutationFn: (name: string) => fetchJson<{ name: string; key: string }>("/api/apikeys", { method: "POST", body: { name }, csrf }),
    onSuccess: async (r) => { setCreated(r); await refresh(); },
  });
  const revoke = useMutation({
    mutationFn: (name: string) => fetchJson(`/api/apikeys/${encodeURIComponent(name)}`, { method: "DELETE", csrf }),
    onSettled: refresh,
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    add.mutate(String(new FormData(e.currentTarget).get("name") ?? ""));
  }
  return (
    <div className="grid-2 grid-wide-left">
      <Panel title="API keys">
        <Fresh query={keys}>
          {keys.data && keys.data.keys.length === 0 ? <Empty>No API keys yet: the host website needs one to call <code>/api/v1</code>.</Empty> : (
            <table className="table" data-testid="apikeys-table">
              <thead><tr><th>Name</th><th className="r">Created</th><th className="r">Last used</th><th className="r" /></tr></thead>
              <tbody>
                {keys.data?.keys.map((k) => (
                  <tr key={k.name} data-apikey={k.name}>
                    <td>{k.name}</td>
                    <td className="r num muted">{formatDateTime(k.createdAt)}</td>
                    <td className="r num muted" data-testid="last-used">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}</td>
                    <td className="r">
                      <ConfirmButton label="Revoke" title={`Revoke API key ${k.name}`} className="btn btn-small btn-danger" disabled={revoke.isPending}
                        testId={`revoke-${k.name}`} prepare={() => ({ message: "Calls with this key fail at once (401). This cannot be undone.", confirmLabel: "Revoke" })}
                        onConfirm={() => revoke.mutate(k.name)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {revoke.isError ? <p className="form-error" role="alert">{revoke.error.message}</p> : null}
        </Fresh>
      </Panel>
      <Panel title="Create an API key">
        <form className="form" onSubmit={submit} aria-label="Create an API key">
          <label><span>Name</span><input name="name" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" autoComplete="off" /></label>
          {add.isError ? <p className="form-error" role="alert">{add.error.message}</p> : null}
          {created ? <ShownOnce label={`API key ${created.name}`} value={created.key} onDismiss={() => setCreated(null)} /> : null}
          <button type="submit" className="btn btn-primary" disabled={add.isPending}>Create key</button>
          <p className="muted small">Stored hashed. The CLI does the same: <code>fanout apikeys add NAME</code>. The API&apos;s OpenAPI document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
        </form>
      </Panel>
    </div>
  );
}

const STATUS_PILL: Record<DeliveryStatus, string> = { delivered: "pill-ok", pending: "pill-muted", retrying: "pill-warn", failed: "pill-bad", cancelled: "pill-muted" };

export function WebhooksView() {
  const hooks = useWebhooks();
  const { csrf, role } = useConsoleSession();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: qk.webhooks() });
  const redeliver = useMutation({
    mutationFn: (id: string) => fetchJson(`/api/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`, { method: "POST", csrf }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => fetchJson(`/api/webhooks/${encodeURIComponent(id)}`, { method: "DELETE", csrf }),
    onSettled: refresh,
  });
  const canAct = roleAllows(role, "operator");
  const isAdmin = roleAllows(role, "admin");
  return (
    <>
      <Fresh query={hooks}>
        {hooks.data && hooks.data.endpoints.length === 0 ? <Panel title="Endpoints"><Empty>No webhook endpoints. Add one{isAdmin ? " below" : " (admins)"} or with <code>fanout webhooks add URL</code>.</Empty></Panel> : null}
        {hooks.data?.endpoints.map((e) => (
          <Panel key={e.id} className="webhook-endpoint" title={<><code>{e.url}</code> <span className="muted small">{e.id}</span>{e.disabled ? <span className="pill pill-bad">disabled</span> : null}</>}
            actions={isAdmin ? (
              <ConfirmButton label="Remove" title={`Remove endpoint ${e.url}`} className="btn btn-small btn-danger" disabled={remove.isPending}
                testId={`remove-${e.id}`} prepare={() => ({ message: "No more events are sent to it; its pending deliveries are cancelled.", confirmLabel: "Remove" })}
                onConfirm={() => remove.mutate(e.id)} />
            ) : null}>
            {e.disabledReason ? <p className="form-error">{e.disabledReason}</p> : null}
            {e.deliveries.length === 0 ? <Empty>No deliveries yet: events come when a sync settles or an account loses its token.</Empty> : (
              <table className="table" data-testid="deliveries-table" data-endpoint={e.id}>
                <thead><tr><th>Event</th><th>Type</th><th>Status</th><th className="r">Attempts</th><th className="r">Response</th><th>Last error</th><th className="r">Updated</th><th className="r" /></tr></thead>
                <tbody>
                  {e.deliveries.map((d) => (
                    <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                      <td><code className="small">{d.eventId}</code></td>
                      <td>{d.type}</td>
                      <td><span className={`pill ${STATUS_PILL[d.status]}`}>{d.status}</span></td>
                      <td className="r num">{d.attempts}</td>
                      <td className="r num">{d.responseCode ?? "—"}</td>
                      <td className="muted small">{d.lastError ?? ""}</td>
                      <td className="r num muted">{formatDateTime(d.updatedAt)}</td>
                      <td className="r">
                        {canAct ? <button type="button" className="btn btn-small" disabled={redeliver.isPending} onClick={() => redeliver.mutate(d.id)}>Redeliver</button> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        ))}
        {redeliver.isError ? <p className="form-error" role="alert">{redeliver.error.message}</p> : null}
        {remove.isError ? <p className="form-error" role="alert">{remove.error.message}</p> : null}
      </Fresh>
      {isAdmin ? <Panel title="Add an endpoint"><AddEndpoint onAdded={refresh} /></Panel> : null}
    </>
  );
}

function AddEndpoint({ onAdded }: { onAdded: () => Promise<void> }) {
  const { csrf } = useConsoleSession();
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const add = useMutation({
    mutationFn: (url: string) => fetchJson<{ id: string; url: string; secret: string }>("/api/webhooks", { method: "POST", body: { url }, csrf }),
    onSuccess: async (r) => { setCreated(r); await onAdded(); },
  });
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    add.mutate(String(new FormData(e.currentTarget).get("url") ?? ""));
  }
  return (
    <form className="form" onSubmit={submit} aria-label="Add a webhook endpoint">
      <label><span>URL</span><input name="url" type="url" required maxLength={2048} placeholder="https://example.com/hooks/fanout" autoComplete="off" /></label>
      {add.isError ? <p className="form-error" role="alert">{add.error.message}</p> : null}
      {created ? <ShownOnce label={`Signing secret for ${created.url}`} value={created.secret} onDismiss={() => setCreated(null)} /> : null}
      <button type="submit" className="btn btn-primary" disabled={add.isPending}>Add endpoint</button>
      <p className="muted small">Events are signed with <code>Fanout-Signature: t=…,v1=…</code> (HMAC-SHA256 of <code>t.body</code>) and retried with backoff for up to 24 h.</p>
    </form>
  );
}
