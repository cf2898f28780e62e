import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "@fanout/testkit/postgres";
import { testRedisClient } from "@fanout/testkit/redis-client";
import { tracesOf } from "@fanout/testkit/redis-traces";
import { waitFor } from "@fanout/testkit/wait";
import { copyLines, copyText, createPgSink, sinkFor, type PgSink } from "../../src/delivery/sink.ts";
import { addWebhook, listDeliveries } from "../../src/delivery/webhooks.ts";
import { auditLog, disconnectAccount, setWhale, waitForTree } from "../../src/ops.ts";
import { startSync } from "../../src/sync.ts";
import { startHarness, type Harness } from "../harness.ts";
import { expectTruth, FAST, newAccount, readAll, syncDone } from "./fixtures.ts";

const op = { name: "sink-test", via: "cli" as const };
// Tables of this run only: with FANOUT_TEST_PG_URL the server is shared and nothing else of it is touched.
const run = randomBytes(4).toString("hex");
const tables = { table: `t${run}_followers`, versionsTable: `t${run}_versions`, migrationsTable: `t${run}_migrations` };

describe("PostgreSQL sink and purge", () => {
  let pg: PostgresServer;
  let db: Client;
  let h: Harness;
  let sink: PgSink;

  beforeAll(async () => {
    pg = await startPostgres();
    db = new Client({ connectionString: pg.url });
    await db.connect();
    h = await startHarness({ config: { backoffBaseMs: 50, delivery: { pg: tables } } });
    // The harness builds its env itself; FANOUT_PG_URL reaches the engine as this one setting (runtime.ts).
    h.engine.settings.delivery = { ...h.engine.settings.delivery, pg: { ...h.engine.settings.delivery.pg, url: pg.url } };
    await h.simnet.admin("PATCH", "/_simnet/config", FAST);
    await h.worker({ concurrency: 10 }); // applies the migrations
    sink = sinkFor(h.engine) ?? expect.unreachable("no sink");
  });
  afterAll(async () => {
    await sink.close();
    await h.stop();
    for (const t of Object.values(tables)) await db.query(`DROP TABLE IF EXISTS "${t}"`);
    await db.end();
    await pg.stop();
  });

  const rows = async (account: string) => {
    const [network, id] = account.split(/:(.*)/s) as [string, string];
    const r = await db.query<{ follower_id: string; xmin: string }>(`SELECT follower_id, xmin::text FROM "${tables.table}" WHERE network = $1 AND account_id = $2`, [network, id]);
    return { ids: r.rows.map((x) => x.follower_id), xmins: r.rows.map((x) => `${x.follower_id}@${x.xmin}`).sort() };
  };
  const applied = async (account: string) => {
    const [network, id] = account.split(/:(.*)/s) as [string, string];
    const r = await db.query<{ version: string; generation: string }>(`SELECT version, generation FROM "${tables.versionsTable}" WHERE network = $1 AND account_id = $2`, [network, id]);
    return r.rows[0] ? `${r.rows[0].version}.${r.rows[0].generation}` : null;
  };
  const landed = async (account: string) => {
    const { version } = await readAll(h.engine, account, 10_000);
    await waitFor(() => applied(account), (v) => v === version, { timeoutMs: 20_000, what: `sink at ${version}` });
    return version;
  };

  it("migrates once, lands every version as its change set, and a re-run writes nothing", async () => {
    expect(await sink.migrate()).toEqual([]); // the worker applied them at start
    const { rows: mig } = await db.query<{ name: string }>(`SELECT name FROM "${tables.migrationsTable}" ORDER BY name`);
    expect(mig.map((m) => m.name)).toEqual([`001 create ${tables.table}`, `002 create ${tables.versionsTable}`]);

    const { account, id } = await newAccount(h, "facebook", 2_345);
    await syncDone(h, [account]);
    await landed(account);
    await expectTruth(h, account, (await rows(account)).ids);

    await h.simnet.admin("POST", `/_simnet/accounts/facebook/${id}/followers`, { add: 70, remove: 33 });
    await syncDone(h, [account]);
    const v2 = await landed(account);
    const before = await rows(account);
    await expectTruth(h, account, before.ids);
    const job = await h.engine.queues.system.getJob(`sink-facebook-${id}-2`);
    expect(job?.returnvalue).toMatchObject({ mode: "changes", inserted: 70, deleted: 33, version: v2 });

    // a re-run (the same job again, or a second apply) changes no row: every row keeps its xmin
    expect(await sink.apply("facebook", id)).toMatchObject({ mode: "skip", inserted: 0, deleted: 0 });
    await h.engine.queues.system.add("sink.apply", { network: "facebook", accountId: id, version: 2 }, { jobId: `sink-facebook-${id}-2` });
    expect((await rows(account)).xmins).toEqual(before.xmins);

    // a table that lost track of the version (and whose rows drifted) gets the whole version, in one transaction:
    // over the rows the account has, only what differs is deleted and inserted
    await db.query(`UPDATE "${tables.versionsTable}" SET version = 0, generation = '' WHERE account_id = $1`, [id]);
    await db.query(`DELETE FROM "${tables.table}" WHERE account_id = $1 AND follower_id IN (SELECT follower_id FROM "${tables.table}" WHERE account_id = $1 ORDER BY follower_id LIMIT 10)`, [id]);
    await db.query(`INSERT INTO "${tables.table}" (network, account_id, follower_id) VALUES ('facebook', $1, 'stray-1'), ('facebook', $1, 'stray-2'), ('facebook', $1, 'stray\ttab')`, [id]);
    expect(await sink.apply("facebook", id)).toMatchObject({ mode: "full", inserted: 10, deleted: 3, version: v2 });
    await expectTruth(h, account, (await rows(account)).ids);
    // and into no rows, the whole version is COPYed
    await db.query(`UPDATE "${tables.versionsTable}" SET version = 0, generation = '' WHERE account_id = $1`, [id]);
    await db.query(`DELETE FROM "${tables.table}" WHERE account_id = $1`, [id]);
    expect(await sink.apply("facebook", id)).toMatchObject({ mode: "full", inserted: 2_382, deleted: 0, version: v2 });
    await expectTruth(h, account, (await rows(account)).ids);
  });

  it("a purge leaves no key of the account in Redis and no row in PostgreSQL, only the audit entry", async () => {
    const { account, id } = await newAccount(h, "facebook", 321);
    const keep = await newAccount(h, "facebook", 12); // a neighbour that must stay whole
    const ep = await addWebhook(h.engine, "http://127.0.0.1:9/unreachable", op);
    await setWhale(h.engine, account, true, op);
    await syncDone(h, [account, keep.account]);
    await h.simnet.admin("POST", `/_simnet/accounts/facebook/${id}/followers`, { add: 5, remove: 5 });
    await syncDone(h, [account]);
    await landed(account);
    await landed(keep.account);
    // then its token dies mid-sync: a parked page, a lost-authorization event and its (failing) delivery
    await h.simnet.admin("POST", `/_simnet/accounts/facebook/${id}/revoke`);
    const { treeId } = await startSync(h.engine, [account]);
    await waitFor(() => listDeliveries(h.engine, ep.id), (d) => d.some((x) => x.type === "account.disconnected" && x.attempts > 0), { timeoutMs: 20_000, what: "an account.disconnected delivery" });

    const res = await disconnectAccount(h.engine, account, true, op);
    expect(res).toMatchObject({ account, connected: false, purged: true });

    // No key names it and no value mentions it (job ids in event streams, tree account lists, limiter samples…).
    const raw = testRedisClient();
    try {
      expect(await tracesOf(raw, h.prefix, id, (key) => key === h.engine.keys.audit())).toEqual([]);
    } finally {
      raw.disconnect();
    }
    const k = h.engine.keys;
    expect(await h.engine.redis.zscore(k.accountsIndex(), account)).toBeNull();
    expect(await h.engine.redis.zscore(k.accountsDue(), account)).toBeNull();
    expect(await h.engine.redis.hexists(k.whales(), account)).toBe(0);
    expect((await h.engine.redis.zrange(k.failedIndex(), 0, -1)).filter((m) => m.includes(id))).toEqual([]);
    expect((await rows(account)).ids).toEqual([]);
    expect(await applied(account)).toBeNull();
    // the audit log keeps the purge's own entry; the earlier ones naming it (connect, whale-on) are gone
    const mentions = (await auditLog(h.engine, { limit: 500 })).filter((e) => JSON.stringify(e.details).includes(id));
    expect(mentions.map((e) => e.action)).toEqual(["disconnect-purge"]);
    expect(mentions[0]?.details).toMatchObject({ account, auditEntries: 2 });

    // a process whose sink tables do not exist yet purges nothing there, without failing
    const bare = createPgSink({ url: pg.url, tables: { table: `t${run}_none`, versionsTable: `t${run}_none_v`, migrationsTable: `t${run}_none_m` }, chunk: 10, store: h.engine.followers, log: h.engine.log });
    expect(await bare.purge("facebook", id)).toBe(0);
    await bare.close();

    // the neighbour is untouched
    await expectTruth(h, keep.account, (await rows(keep.account)).ids);
    await expectTruth(h, keep.account, (await readAll(h.engine, keep.account, 100)).ids);
    expect((await listDeliveries(h.engine, ep.id)).filter((d) => d.type === "account.disconnected")).toEqual([]);
    // the sync it was part of settles (its open page was recorded as purged)
    expect((await waitForTree(h.engine, treeId, { timeoutMs: 10_000 })).state).toBe("failed");
  });
});

describe("COPY text format", () => {
  it("escapes exactly backslash, tab, newline and carriage return", () => {
    expect(copyText("12345")).toBe("12345");
    expect(copyText("a\tb\\c\nd\re")).toBe("a\\tb\\\\c\\nd\\re");
    expect(copyText("urn:li:person:Ab-9_")).toBe("urn:li:person:Ab-9_");
  });

  it("writes one line per id after the lead, escaping a chunk that needs it, and nothing for no ids", () => {
    expect(copyLines("tw\t1\t", ["7", "8"])).toBe("tw\t1\t7\ntw\t1\t8\n");
    expect(copyLines("", ["7", "a\tb"])).toBe("7\na\\tb\n");
    expect(copyLines("x\t", [])).toBe("");
  });
});
