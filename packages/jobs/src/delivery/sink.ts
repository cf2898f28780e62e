import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Pool, type PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Engine } from "../engine.ts";
import { safeId } from "../keys.ts";
import type { Logger } from "../log.ts";
import { formatVersion, type VersionRef } from "../store/cursor.ts";
import { VersionGoneError } from "../store/errors.ts";
import { needsByteOrder, sortByBytes, type FollowerStore } from "../store/followers.ts";
import { migrate, type SinkTables } from "./migrations.ts";
import { ident, transaction } from "./pg.ts";

/**
 * The optional PostgreSQL sink (FANOUT_PG_URL): the website's own table holds each account's current follower set.
 * Every published version lands as one transaction, so a reader never sees a half-written list:
 *  - the account's row in the versions table is locked (`FOR UPDATE`), so two jobs for one account run one after the
 *    other, and an applied version (or an older one) is skipped: a re-run writes nothing twice;
 *  - when the table holds a version whose change sets are still kept, the folded change set is applied (DELETE the
 *    removed ids, INSERT … SELECT unnest($3::text[]) the added ones, in chunks);
 *  - otherwise (first time, change sets expired, purged and re-synced) the whole version is landed:
 *    - into no rows of the account: COPY (pg-copy-streams), several times faster than batched INSERTs, in key order
 *      (copyIn): the primary key takes rows about 3× as fast as in a SET's order;
 *    - over rows the account has: the version is COPYed into a temporary table, and two anti-joins delete the rows it
 *      lacks and insert the ones the table lacks (replaceIn).
 * Change sets (small) use INSERT … ON CONFLICT.
 */
export interface SinkResult { account: string; mode: "skip" | "changes" | "full"; version: string; inserted: number; deleted: number }

export interface PgSink {
  migrate(): Promise<string[]>;
  /** Brings the account's rows up to its current version (a job enqueued on publish calls this). */
  apply(network: string, accountId: string): Promise<SinkResult>;
  /** Deletes the account's rows and its version record. */
  purge(network: string, accountId: string): Promise<number>;
  close(): Promise<void>;
}

/** COPY rows per chunk written to the stream. */
const COPY_LINES = 5_000;
/** The transaction's temporary table a version streams into when the account has rows already (dropped at commit). */
const STAGE = "fanout_sink_version";

export function createPgSink(opts: { url: string; tables: SinkTables; chunk: number; store: FollowerStore; log: Logger; poolSize?: number }): PgSink {
  const pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 4, application_name: "fanout-sink" });
  // An idle client that errors (server restart) must not crash the process; the next checkout reconnects.
  pool.on("error", (err) => opts.log.warn({ err: err.message }, "postgres pool error"));
  const T = ident(opts.tables.table);
  const V = ident(opts.tables.versionsTable);
  const { store, chunk } = opts;

  async function withClient<R>(fn: (c: PoolClient) => Promise<R>): Promise<R> {
    const c = await pool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }

  async function insert(c: PoolClient, network: string, accountId: string, ids: string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += chunk) {
      const r = await c.query(`INSERT INTO ${T} (network, account_id, follower_id) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
        [network, accountId, ids.slice(i, i + chunk)]);
      n += r.rowCount ?? 0;
    }
    return n;
  }

  /**
   * COPYs the ids into the account's (empty) rows in key order: a version is a SET, in no order, and the primary key's
   * B-tree takes rows in its own order about 3× as fast. Each chunk is sorted while Redis answers the next one; the
   * sorted chunks are then merged into the COPY stream while PostgreSQL writes (sortedRuns, mergeRuns). The whole
   * version is held meanwhile: a million-follower whale takes ~60 MB of the worker for a few seconds.
   */
  async function copyIn(c: PoolClient, network: string, accountId: string, batches: AsyncIterable<string[]>): Promise<number> {
    const runs = await sortedRuns(batches);
    const lead = `${copyText(network)}\t${copyText(accountId)}\t`;
    let n = 0;
    function* lines(): Generator<string> {
      for (const ids of mergeRuns(runs, COPY_LINES)) {
        n += ids.length;
        yield copyLines(lead, ids);
      }
    }
    await pipeline(Readable.from(lines()), c.query(copyFrom(`COPY ${T} (network, account_id, follower_id) FROM STDIN`)));
    return n;
  }

  /**
   * Lands a version over rows the account already has. DELETE-all then COPY-all made the primary key check each new
   * row against the dead one of the same key (a re-sync mostly repeats the rows it replaces): 7.6 s for a million rows
   * with 1% changed. Here the version streams, in the SET's order while Redis answers, into a temporary table with no
   * index; then one anti-join deletes the rows the version lacks and one inserts the ids the table lacks: 2.4 s.
   * `work_mem` for this transaction only: a million ids hash in memory rather than in batches on disk.
   */
  async function replaceIn(c: PoolClient, network: string, accountId: string, batches: AsyncIterable<string[]>): Promise<{ inserted: number; deleted: number }> {
    await c.query("SET LOCAL work_mem = '64MB'");
    await c.query(`CREATE TEMP TABLE ${STAGE} (follower_id text NOT NULL) ON COMMIT DROP`);
    async function* lines(): AsyncGenerator<string> {
      for await (const ids of batches) if (ids.length) yield copyLines("", ids);
    }
    await pipeline(Readable.from(lines()), c.query(copyFrom(`COPY ${STAGE} (follower_id) FROM STDIN`)));
    await c.query(`ANALYZE ${STAGE}`);
    const del = await c.query(`DELETE FROM ${T} t WHERE t.network = $1 AND t.account_id = $2
      AND NOT EXISTS (SELECT 1 FROM ${STAGE} s WHERE s.follower_id = t.follower_id)`, [network, accountId]);
    const ins = await c.query(`INSERT INTO ${T} (network, account_id, follower_id) SELECT $1, $2, s.follower_id FROM ${STAGE} s
      WHERE NOT EXISTS (SELECT 1 FROM ${T} t WHERE t.network = $1 AND t.account_id = $2 AND t.follower_id = s.follower_id)`, [network, accountId]);
    return { inserted: ins.rowCount ?? 0, deleted: del.rowCount ?? 0 };
  }

  async function remove(c: PoolClient, network: string, accountId: string, ids: string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += chunk) {
      const r = await c.query(`DELETE FROM ${T} WHERE network = $1 AND account_id = $2 AND follower_id = ANY($3::text[])`, [network, accountId, ids.slice(i, i + chunk)]);
      n += r.rowCount ?? 0;
    }
    return n;
  }

  async function record(c: PoolClient, network: string, accountId: string, version: string): Promise<void> {
    const [n, gen] = version.split(".");
    await c.query(`UPDATE ${V} SET version = $3, generation = $4, applied_at = now() WHERE network = $1 AND account_id = $2`, [network, accountId, Number(n), gen ?? ""]);
  }

  return {
    migrate: () => withClient((c) => migrate(c, opts.tables)),

    apply: (network, accountId) => withClient((c) => transaction(c, async (): Promise<SinkResult> => {
      const account = `${network}:${accountId}`;
      await c.query(`INSERT INTO ${V} (network, account_id, version, generation) VALUES ($1, $2, 0, '') ON CONFLICT DO NOTHING`, [network, accountId]);
      const row = (await c.query<{ version: string; generation: string }>(
        `SELECT version, generation FROM ${V} WHERE network = $1 AND account_id = $2 FOR UPDATE`, [network, accountId])).rows[0];
      const have: VersionRef = { n: Number(row?.version ?? 0), gen: row?.generation ?? "" };
      const cur = await store.info(network, accountId);
      const skip = { account, mode: "skip" as const, version: formatVersion(have), inserted: 0, deleted: 0 };
      // Nothing published (or purged since the job was queued): leave the rows to the purge.
      if (cur.version === 0) return skip;
      if (have.gen === cur.generation && have.n >= cur.version) return skip;

      if (have.n > 0 && have.gen === cur.generation) {
        try {
          const ch = await store.changesSince(network, accountId, formatVersion(have));
          const deleted = await remove(c, network, accountId, ch.removed);
          const inserted = await insert(c, network, accountId, ch.added);
          await record(c, network, accountId, ch.version);
          return { account, mode: "changes", version: ch.version, inserted, deleted };
        } catch (err) {
          if (!(err instanceof VersionGoneError)) throw err;
          opts.log.info({ account, since: formatVersion(have), reason: err.reason }, "sink: change sets gone, replacing the account's rows");
        }
      }
      const had = (await c.query<{ had: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${T} WHERE network = $1 AND account_id = $2) AS had`, [network, accountId])).rows[0]?.had === true;
      let pinned: VersionRef | null = null;
      const ids = store.ids(network, accountId, { onVersion: (v) => { pinned = v; } });
      const { inserted, deleted } = had ? await replaceIn(c, network, accountId, ids) : { inserted: await copyIn(c, network, accountId, ids), deleted: 0 };
      const version = formatVersion(pinned ?? { n: cur.version, gen: cur.generation });
      await record(c, network, accountId, version);
      return { account, mode: "full", version, inserted, deleted };
    })),

    purge: (network, accountId) => withClient((c) => transaction(c, async () => {
      // Tables not created yet (no worker with the sink ever started): nothing of the account can be there.
      const exists = (await c.query<{ t: string | null; v: string | null }>("SELECT to_regclass($1) AS t, to_regclass($2) AS v", [T, V])).rows[0];
      if (!exists?.t || !exists.v) return 0;
      const r = await c.query(`DELETE FROM ${T} WHERE network = $1 AND account_id = $2`, [network, accountId]);
      await c.query(`DELETE FROM ${V} WHERE network = $1 AND account_id = $2`, [network, accountId]);
      return r.rowCount ?? 0;
    })),

    close: () => pool.end(),
  };
}

/** COPY's text format: backslash, tab, newline and carriage return are escaped. */
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
const ESCAPED = /[\\\t\n\r]/g;
const NEEDS_ESCAPE = new RegExp(ESCAPED.source);
export function copyText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPED, (ch) => COPY_ESCAPES[ch] ?? ch) : s;
}

/** COPY text lines, `lead` then each id: joined in one step when no id needs escaping (ids seldom do). */
export function copyLines(lead: string, ids: string[]): string {
  if (ids.length === 0) return "";
  if (ids.some((id) => NEEDS_ESCAPE.test(id))) return ids.map((id) => `${lead}${copyText(id)}\n`).join("");
  return `${lead}${ids.join(`\n${lead}`)}\n`;
}

/** The sink of this engine's settings, or null when FANOUT_PG_URL is not set. */
export function sinkFor(engine: Engine, poolSize?: number): PgSink | null {
  const pg = engine.settings.delivery.pg;
  if (!pg.url) return null;
  return createPgSink({
    url: pg.url, tables: { table: pg.table, versionsTable: pg.versionsTable, migrationsTable: pg.migrationsTable },
    chunk: pg.chunk, store: engine.followers, log: engine.log, ...(poolSize ? { poolSize } : {}),
  });
}

export function sinkJobId(network: string, accountId: string, version: number): string {
  return `sink-${safeId(network)}-${safeId(accountId)}-${version}`;
}

/** Queues the sink's job for a published version (deterministic id: account + version, so once per version). */
export async function enqueueSinkApply(engine: Engine, network: string, accountId: string, version: number): Promise<void> {
  if (!engine.settings.delivery.pg.url || version < 1) return;
  await engine.queues.system.add("sink.apply", { network, accountId, version }, {
    jobId: sinkJobId(network, accountId, version),
    attempts: 12, backoff: { type: "jitter" }, removeOnComplete: { age: 3_600 }, removeOnFail: { age: 7 * 86_400 },
  });
}

/** The chunks of an async source, each sorted by bytes while the source fetches the next one. */
export async function sortedRuns(batches: AsyncIterable<string[]>): Promise<string[][]> {
  const it = batches[Symbol.asyncIterator]();
  const runs: string[][] = [];
  let next = it.next();
  for (;;) {
    const res = await next;
    if (res.done) return runs;
    next = it.next(); // Redis works on the next chunk while this one is sorted
    runs.push(sortByBytes(res.value));
  }
}

/**
 * Sorted runs merged into one sorted sequence (by bytes), in chunks of `size`: a binary heap of the runs' heads.
 * Strings compare by UTF-16 units, which is byte order unless a surrogate pair meets a character from U+E000 up:
 * runs holding such ids are merged by bytes instead.
 */
export function* mergeRuns(runs: string[][], size: number): Generator<string[]> {
  const bytewise = runs.some(needsByteOrder);
  const less = bytewise ? (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")) < 0 : (a: string, b: string) => a < b;
  // Each entry: a run and the index of its head; a run leaves the heap once read to its end.
  const heap: Head[] = runs.filter((r) => r.length > 0).map((run) => ({ run, i: 0 }));
  const at = (k: number) => heap[k] as Head;
  const before = (x: number, y: number) => less(at(x).run[at(x).i] as string, at(y).run[at(y).i] as string);
  const down = (k: number) => {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < heap.length && before(l, m)) m = l;
      if (r < heap.length && before(r, m)) m = r;
      if (m === k) return;
      [heap[k], heap[m]] = [at(m), at(k)];
      k = m;
    }
  };
  for (let k = Math.floor(heap.length / 2) - 1; k >= 0; k--) down(k);
  let out: string[] = [];
  while (heap.length) {
    const top = at(0);
    out.push(top.run[top.i] as string);
    if (++top.i === top.run.length) {
      const last = heap.pop() as Head;
      if (heap.length) heap[0] = last;
    }
    if (heap.length) down(0);
    if (out.length === size) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

interface Head { run: string[]; i: number }
