import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { rotateSecrets, secretsStatus } from "@fanout/jobs/secrets";
import { ApiKeyExistsError, createApiKey, listApiKeys, revokeApiKey } from "@fanout/jobs/delivery/apikeys";
import { addWebhook, listDeliveries, listWebhooks, redeliver, removeWebhook } from "@fanout/jobs/delivery/webhooks";
import { ConfigError } from "@fanout/jobs/env";
import { createLogger } from "@fanout/jobs/log";
import {
  auditLog, cancelTree, connectAccount, disconnectAccount, followersOf, InputError, NotFoundError, reprioritize, requeueTree, setPaused, setWhale, stats,
  treeDoc, treeFollowers, waitForTree,
} from "@fanout/jobs/ops";
import { PRIORITIES, QUEUES, isQueueName, type Priority, type QueueName } from "@fanout/jobs/queues";
import { createOperators, OperatorExistsError, OperatorInputError, OperatorNotFoundError, LastAdminError } from "@fanout/jobs/operators";
import { createEngine } from "@fanout/jobs/runtime";
import { listSchedules, runScheduleNow } from "@fanout/jobs/schedules";
import { SyncInputError, startSync } from "@fanout/jobs/sync";
import { startWorker } from "@fanout/jobs/worker";
import { runDemo } from "./demo.ts";
import { cliEnv } from "./env.ts";
import { output, progress, UsageError } from "./output.ts";
import { simnetAdmin } from "./simnet-client.ts";

type Engine = Awaited<ReturnType<typeof createEngine>>;

const program = new Command("fanout")
  .description("Fanout: import followers from rate-limited social APIs, reliably.")
  .option("--json", "print one JSON document on stdout")
  .configureOutput({ outputError: (str, write) => write(`${str.trim().split("\n")[0] ?? str} (see --help)\n`) })
  .exitOverride();

const json = () => Boolean(program.opts<{ json?: boolean }>().json);
const actor = { name: cliEnv.user, via: "cli" as const };

/** Runs a command with an engine whose logs go to stderr (stdout is for results), closing it afterwards. */
async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ log: createLogger({ level: "warn", name: "fanout-cli", fd: 2 }), failFast: true });
  engine.redis.on("error", () => undefined); // reported once, by the command that fails (below), not per retry
  try {
    return await fn(engine);
  } catch (err) {
    if (isConnectionError(err)) {
      throw new Error(`Redis at ${engine.env.clusterNodes ? "the cluster" : engine.env.REDIS_URL} is unreachable (${(err as Error).message})`, { cause: err });
    }
    throw err;
  } finally {
    await engine.close().catch(() => engine.redis.disconnect());
  }
}

function intOption(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

program.command("worker")
  .description("run a worker process until SIGTERM/SIGINT (graceful)")
  .option("--queues <list>", `comma-separated queues (${QUEUES.join(",")})`, QUEUES.join(","))
  .option("--concurrency <n>", "jobs in flight per queue", intOption("--concurrency", 1, 1_000))
  .option("--grace <ms>", "how long a stop waits for active jobs", intOption("--grace", 0, 600_000), 30_000)
  .action(async (o: { queues: string; concurrency?: number; grace: number }) => {
    const queues = o.queues.split(",").map((q) => q.trim()).filter(Boolean);
    const bad = queues.filter((q) => !isQueueName(q));
    if (bad.length || !queues.length) throw new UsageError(`unknown queue(s): ${bad.join(", ") || "(none)"}; known: ${QUEUES.join(", ")}`);
    const engine = await createEngine();
    const member = await startWorker(engine, {
      queues: queues as QueueName[], graceMs: o.grace, metricsPort: engine.env.FANOUT_METRICS_PORT, ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    });
    engine.log.info({ worker: member.id, queues, metricsPort: member.metricsPort }, "worker ready");
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        engine.log.info({ signal }, "stopping: finishing active jobs");
        void member.stop().then(() => engine.close()).then(resolve, (err: unknown) => {
          engine.log.error({ err: (err as Error).message }, "unclean stop");
          resolve();
        });
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
  });

program.command("connect")
  .description("store an account's access token (encrypted at rest)")
  .argument("<account>", "NETWORK:ACCOUNT_ID")
  .option("--token <token>", "the access token (prefer --token-stdin: argv is visible to other users)")
  .option("--token-stdin", "read the token from standard input")
  .option("--refresh-token <token>", "a refresh token, where the network issues them")
  .option("--simnet", "ask simnet for the account's token")
  .action(async (account: string, o: { token?: string; tokenStdin?: boolean; refreshToken?: string; simnet?: boolean }) => {
    const given = [o.token !== undefined, Boolean(o.tokenStdin), Boolean(o.simnet)].filter(Boolean).length;
    if (given !== 1) throw new UsageError("give exactly one of --token, --token-stdin, --simnet");
    let token = o.token ?? "";
    let refresh = o.refreshToken ?? null;
    if (o.tokenStdin) token = readFileSync(0, "utf8").trim();
    if (o.simnet) {
      const [network, ...rest] = account.split(":");
      const id = rest.join(":");
      const found = (await simnetAdmin(cliEnv.simnetUrl).accounts(network)).find((a) => a.id === id);
      if (!found) throw new NotFoundError(`simnet has no account ${account}`);
      token = found.token;
      refresh = found.refreshToken ?? null;
    }
    const res = await withEngine((e) => connectAccount(e, account, token, refresh, actor));
    output(json()).print({ account: res.account, connected: true, resumed: res.resumed }, `connected ${res.account}${res.resumed ? ` (resumed ${res.resumed} parked jobs)` : ""}`);
  });

program.command("sync")
  .description("start a follower sync tree (one node per account)")
  .argument("<accounts...>", "NETWORK:ACCOUNT_ID …")
  .addOption(new Option("--priority <p>", "job priority").choices(Object.keys(PRIORITIES)).default("normal"))
  .addOption(new Option("--queue <q>", "queue for the pages").choices(QUEUES.filter((q) => q !== "system")).default("default"))
  .option("--via <account>", "use this connected account's token where the network allows reading others' lists")
  .option("--wait", "block until the tree settles")
  .option("--timeout <s>", "with --wait: give up after this many seconds", intOption("--timeout", 1, 7 * 86_400))
  .action(async (accounts: string[], o: { priority: Priority; queue: QueueName; via?: string; wait?: boolean; timeout?: number }) => {
    const code = await withEngine(async (engine) => {
      const { treeId } = await startSync(engine, accounts, { priority: o.priority, queue: o.queue, ...(o.via ? { via: o.via } : {}) });
      if (!o.wait) {
        const doc = await treeDoc(engine, treeId);
        output(json()).print({ treeId, state: doc.state, counts: doc.counts, followers: 0 }, treeId);
        return 0;
      }
      const bar = progress(cliEnv.isTty && !json());
      const doc = await waitForTree(engine, treeId, {
        ...(o.timeout ? { timeoutMs: o.timeout * 1_000 } : {}),
        onProgress: (d) => {
          const c = d.counts;
          bar.update(c.done + c.failed, c.pending + c.running + c.delayed + c.parked + c.done + c.failed, d.state);
        },
      });
      bar.end();
      const followers = await treeFollowers(engine, treeId);
      output(json()).print({ treeId, state: doc.state, counts: doc.counts, followers, ...(doc.cancelled ? { cancelled: true } : {}) },
        `${treeId} ${doc.state}: ${doc.counts.done} pages stored, ${doc.counts.failed} failed, ${followers} followers`);
      return doc.state === "done" ? 0 : 1;
    });
    process.exitCode = code;
  });

program.command("tree")
  .description("a sync tree's state (unknown for an id that does not exist or expired)")
  .argument("<treeId>")
  .action(async (treeId: string) => {
    const doc = await withEngine((e) => treeDoc(e, treeId));
    const c = doc.counts;
    output(json()).print(doc, `${doc.treeId} ${doc.state}  pending ${c.pending}  running ${c.running}  done ${c.done}  failed ${c.failed}  delayed ${c.delayed}  parked ${c.parked}` +
      doc.failed.map((f) => `\n  failed ${f.node} ${f.page} [${f.kind}] ${f.error}`).join(""));
  });

program.command("requeue")
  .description("re-run the failed parts of a tree")
  .argument("<treeId>")
  .action(async (treeId: string) => {
    const res = await withEngine((e) => requeueTree(e, treeId, actor));
    output(json()).print(res, `requeued ${res.requeued} pages of ${res.treeId}`);
  });

program.command("followers")
  .description("what Fanout has stored for an account: count and sha256 of the sorted ids")
  .argument("<account>", "NETWORK:ACCOUNT_ID")
  .action(async (account: string) => {
    const res = await withEngine((e) => followersOf(e, account));
    output(json()).print({ account: res.account, count: res.count, sha256: res.sha256 }, `${res.account} ${res.count} followers sha256 ${res.sha256}`);
  });

for (const [name, paused] of [["pause", true], ["resume", false]] as const) {
  program.command(name)
    .description(`${name} a queue, or one network across all queues (network:NAME)`)
    .argument("<target>", `${QUEUES.join(" | ")} | network:NAME`)
    .action(async (target: string) => {
      const res = await withEngine((e) => setPaused(e, target, paused, actor));
      output(json()).print(res, `${res.target} ${paused ? "paused" : "resumed"}`);
    });
}

program.command("stats")
  .description("queue depths, networks (breaker, errors in the last hour), workers")
  .action(async () => {
    const s = await withEngine((e) => stats(e));
    const lines = [
      ...Object.entries(s.queues).map(([q, c]) => `queue ${q.padEnd(12)} wait ${c.wait ?? 0} prioritized ${c.prioritized ?? 0} active ${c.active ?? 0} delayed ${c.delayed ?? 0} failed ${c.failed ?? 0}${c.paused ? " (paused)" : ""}`),
      ...Object.entries(s.networks).map(([n, v]) => `network ${n.padEnd(10)} breaker ${v.breaker}${v.paused ? " (paused)" : ""} errors/h ${JSON.stringify(v.errorsLastHour)}` +
        ` limits ${v.limits.map((l) => `${l.key} ${l.used}/${l.max ?? "?"}`).join(", ") || "-"}${v.adaptive.engaged ? ` adaptive ${v.adaptive.rate.toFixed(1)}/s (ceiling ${v.adaptive.ceiling.toFixed(1)})` : ""}`),
      `workers ${s.workers.length}: ${s.workers.map((w) => `${w.host}/${w.pid} active ${w.active}`).join(", ")}`,
    ];
    output(json()).print(s, lines.join("\n"));
  });

program.command("disconnect")
  .description("remove an account's token and waiting jobs; --purge also its data")
  .argument("<account>", "NETWORK:ACCOUNT_ID")
  .option("--purge", "also delete its stored followers")
  .action(async (account: string, o: { purge?: boolean }) => {
    const res = await withEngine((e) => disconnectAccount(e, account, Boolean(o.purge), actor));
    output(json()).print({ account: res.account, connected: false, purged: res.purged }, `disconnected ${res.account}${res.purged ? " (purged)" : ""}`);
  });

program.command("whale")
  .description("move an account (and its waiting jobs) to the whale queue, or back with --off")
  .argument("<account>", "NETWORK:ACCOUNT_ID")
  .option("--off", "move it back to the default queue")
  .action(async (account: string, o: { off?: boolean }) => {
    const res = await withEngine((e) => setWhale(e, account, !o.off, actor));
    output(json()).print(res, `${res.account} ${res.whale ? "is a whale" : "is no longer a whale"}; moved ${res.moved} waiting jobs`);
  });

program.command("cancel")
  .description("cancel a sync tree: its waiting pages are removed; it settles partial or failed")
  .argument("<treeId>")
  .action(async (treeId: string) => {
    const res = await withEngine((e) => cancelTree(e, treeId, actor));
    output(json()).print(res, `cancelled ${res.cancelled} waiting pages of ${res.treeId}`);
  });

program.command("reprioritize")
  .description("change the priority of an account's waiting jobs")
  .argument("<account>", "NETWORK:ACCOUNT_ID")
  .addOption(new Option("--priority <p>", "new priority").choices(Object.keys(PRIORITIES)).makeOptionMandatory())
  .action(async (account: string, o: { priority: Priority }) => {
    const res = await withEngine((e) => reprioritize(e, account, o.priority, actor));
    output(json()).print(res, `${res.account}: ${res.changed} waiting jobs now ${res.priority}`);
  });

program.command("audit")
  .description("the audit log, newest first")
  .option("--limit <n>", "entries", intOption("--limit", 1, 500), 50)
  .option("--action <name>", "only this action")
  .action(async (o: { limit: number; action?: string }) => {
    const entries = await withEngine((e) => auditLog(e, { limit: o.limit, ...(o.action ? { action: o.action } : {}) }));
    output(json()).print(entries, entries.map((e) => `${new Date(e.at).toISOString()} ${e.who} (${e.via}) ${e.action} ${JSON.stringify(e.details)}`).join("\n") || "(empty)");
  });

program.command("schedules")
  .description("code-defined schedules: list them with their next run, or run one now")
  .argument("[action]", "list | run", "list")
  .argument("[name]", "the schedule to run")
  .action(async (action: string, name: string | undefined) => {
    if (action === "list") {
      const list = await withEngine((e) => listSchedules(e));
      output(json()).print(list, list.map((s) => `${s.name.padEnd(16)} ${s.action.padEnd(8)} ${s.every ? `every ${s.every} ms` : `cron ${s.cron ?? ""}`}  next ${s.next ? new Date(s.next).toISOString() : "(not scheduled yet: start a worker)"}`).join("\n"));
      return;
    }
    if (action !== "run" || !name) throw new UsageError("usage: fanout schedules [list | run NAME]");
    const res = await withEngine((e) => runScheduleNow(e, name, actor));
    output(json()).print(res, `queued ${res.name} (job ${res.jobId})`);
  });

const operators = program.command("operators").description("console operator accounts (roles: viewer, operator, admin)");
operators.command("add")
  .description("add an operator; the password (8+ characters) is read from standard input")
  .argument("<name>")
  .addOption(new Option("--role <role>", "what they may do").choices(["viewer", "operator", "admin"]).default("operator"))
  .action(async (name: string, o: { role: string }) => {
    const password = readFileSync(0, "utf8").replace(/\r?\n$/, "");
    const op = await withEngine((e) => createOperators({ redis: e.redis, keys: e.keys, clock: e.clock }).addOperator(name, password, o.role));
    output(json()).print({ name: op.name, role: op.role }, `added ${op.name} (${op.role})`);
  });
operators.command("remove")
  .argument("<name>")
  .action(async (name: string) => {
    await withEngine((e) => createOperators({ redis: e.redis, keys: e.keys, clock: e.clock }).removeOperator(name));
    output(json()).print({ name, removed: true }, `removed ${name}`);
  });
operators.command("list")
  .action(async () => {
    const list = await withEngine((e) => createOperators({ redis: e.redis, keys: e.keys, clock: e.clock }).listOperators());
    output(json()).print(list.map((x) => ({ name: x.name, role: x.role })), list.map((x) => `${x.name} ${x.role}`).join("\n") || "(none)");
  });

// Issue 12: API keys and webhook endpoints of the host website (the key and the secret are shown once).
const apikeys = program.command("apikeys").description("API keys of the host-website API (/api/v1)");
apikeys.command("add").description("create a key; it is shown once").argument("<name>")
  .action(async (name: string) => {
    const res = await withEngine((e) => createApiKey(e, name, actor));
    output(json()).print({ name: res.name, key: res.key }, `${res.name}: ${res.key}\n(shown once: store it now)`);
  });
apikeys.command("revoke").description("revoke a key at once").argument("<name>")
  .action(async (name: string) => {
    const res = await withEngine((e) => revokeApiKey(e, name, actor));
    output(json()).print(res, `revoked ${res.name}`);
  });
apikeys.command("list").description("keys with their creation and last use (never the key)")
  .action(async () => {
    const list = await withEngine((e) => listApiKeys(e));
    const when = (ms: number | null) => (ms ? new Date(ms).toISOString() : "never");
    output(json()).print(list, list.map((k) => `${k.name.padEnd(24)} created ${when(k.createdAt)}  last used ${when(k.lastUsedAt)}`).join("\n") || "(none)");
  });

const webhooks = program.command("webhooks").description("webhook endpoints (sync.settled, account.disconnected)");
webhooks.command("add").description("add an endpoint; its signing secret is shown once").argument("<url>")
  .action(async (url: string) => {
    const res = await withEngine((e) => addWebhook(e, url, actor));
    output(json()).print(res, `${res.id} ${res.url}\nsecret: ${res.secret}\n(shown once: store it now)`);
  });
webhooks.command("remove").description("remove an endpoint").argument("<id>")
  .action(async (id: string) => {
    const res = await withEngine((e) => removeWebhook(e, id, actor));
    output(json()).print(res, `removed ${res.id}`);
  });
webhooks.command("list").description("endpoints (never their secrets)")
  .action(async () => {
    const list = await withEngine((e) => listWebhooks(e));
    output(json()).print(list, list.map((w) => `${w.id} ${w.url}${w.disabled ? `  DISABLED: ${w.disabledReason ?? ""}` : ""}`).join("\n") || "(none)");
  });
webhooks.command("deliveries").description("recent deliveries to an endpoint").argument("<id>")
  .option("--limit <n>", "deliveries", intOption("--limit", 1, 1_000), 50)
  .action(async (id: string, o: { limit: number }) => {
    const list = await withEngine((e) => listDeliveries(e, id, o.limit));
    output(json()).print(list, list.map((d) => `${d.id} ${d.type} ${d.status} attempts ${d.attempts}${d.responseCode ? ` HTTP ${d.responseCode}` : ""}${d.lastError ? `  ${d.lastError}` : ""}`).join("\n") || "(none)");
  });
webhooks.command("redeliver").description("send a delivery again").argument("<deliveryId>")
  .action(async (deliveryId: string) => {
    const res = await withEngine((e) => redeliver(e, deliveryId, actor));
    output(json()).print(res, `queued ${res.jobId}`);
  });

const secrets = program.command("secrets").description("the key ring that seals tokens at rest (FANOUT_SECRET, FANOUT_SECRET_PREVIOUS)");
secrets.command("status").description("how many stored tokens and webhook secrets each key sealed")
  .action(async () => {
    const st = await withEngine((e) => secretsStatus(e));
    const line = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${k}${k === st.currentKeyId ? " (current)" : ""}: ${n}`).join(", ") || "none";
    output(json()).print(st, `current key ${st.currentKeyId}\ntokens: ${line(st.tokensByKey)}\nwebhook secrets: ${line(st.webhookSecretsByKey)}`);
  });
secrets.command("rotate")
  .description("re-seal every stored token and webhook secret under FANOUT_SECRET (workers keep running); then FANOUT_SECRET_PREVIOUS can go")
  .action(async () => {
    const r = await withEngine((e) => rotateSecrets(e, actor));
    output(json()).print(r, [
      `re-sealed ${r.tokens} token(s) and ${r.webhooks} webhook secret(s) under key ${r.currentKeyId}`,
      ...(r.unreadable.length ? [`${r.unreadable.length} token(s) sealed under a key not in the ring (set FANOUT_SECRET_PREVIOUS): ${r.unreadable.slice(0, 10).join(", ")}`] : []),
      r.remaining === 0 ? "nothing is left under another key: FANOUT_SECRET_PREVIOUS can be dropped" : `${r.remaining} value(s) still under another key`,
    ].join("\n"));
    if (r.unreadable.length) process.exitCode = 1;
  });

program.command("demo")
  .description("seed simnet accounts (a whale and a flaky network included), connect them and start their syncs")
  .action(async () => {
    const summary = await withEngine((e) => runDemo(e, simnetAdmin(cliEnv.simnetUrl)));
    output(json()).print(summary, summary.lines.join("\n"));
  });

/** Errors that mean "Redis did not answer", as ioredis raises them once its retries are spent. */
function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"].includes(e.code ?? "") ||
    e.name === "MaxRetriesPerRequestError" || /Connection is closed|Stream isn't writeable|connect ETIMEDOUT/.test(e.message ?? "");
}

async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = report(err);
  }
}

/** Exit codes: 1 when the thing asked for failed, 2 for bad usage or bad input (one-line reason on stderr). */
function report(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
    if (json()) process.stdout.write(`${JSON.stringify({ error: err.message.replace(/^error: /, "") })}\n`);
    return 2;
  }
  const e = err as Error;
  const usage = e instanceof UsageError || e instanceof InputError || e instanceof NotFoundError || e instanceof SyncInputError || e instanceof ConfigError ||
    e instanceof OperatorInputError || e instanceof OperatorExistsError || e instanceof OperatorNotFoundError || e instanceof LastAdminError ||
    e instanceof ApiKeyExistsError;
  if (json()) process.stdout.write(`${JSON.stringify({ error: e.message })}\n`);
  process.stderr.write(`fanout: ${e.message}\n`);
  return usage ? 2 : 1;
}

await main(process.argv);
