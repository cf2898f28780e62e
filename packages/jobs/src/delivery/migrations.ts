import type { PoolClient } from "pg";
import { ident, transaction } from "./pg.ts";

/**
 * The PostgreSQL schema Fanout ships for the sink, as numbered migrations applied at worker start (and by
 * `migrate()`), each recorded in the migrations table. Many workers starting at once apply each one once: the whole
 * run holds a transaction-level advisory lock. Names carry the table names, so a renamed table gets created.
 */
export interface SinkTables { table: string; versionsTable: string; migrationsTable: string }

export function migrations(t: SinkTables): { name: string; sql: string }[] {
  return [
    {
      name: `001 create ${t.table}`,
      sql: `CREATE TABLE IF NOT EXISTS ${ident(t.table)} (
        network text NOT NULL, account_id text NOT NULL, follower_id text NOT NULL,
        PRIMARY KEY (network, account_id, follower_id))`,
    },
    {
      // The version of each account the table holds: a re-run of an applied version writes nothing.
      name: `002 create ${t.versionsTable}`,
      sql: `CREATE TABLE IF NOT EXISTS ${ident(t.versionsTable)} (
        network text NOT NULL, account_id text NOT NULL, version bigint NOT NULL, generation text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (network, account_id))`,
    },
  ];
}

const LOCK = 0x666f7574; // "fout": one advisory lock id for every Fanout migration run

/** Applies the missing migrations in one transaction; answers the names applied now. */
export async function migrate(client: PoolClient, t: SinkTables): Promise<string[]> {
  return transaction(client, async () => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${ident(t.migrationsTable)} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ name: string }>(`SELECT name FROM ${ident(t.migrationsTable)}`)).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations(t)) {
      if (done.has(m.name)) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${ident(t.migrationsTable)} (name) VALUES ($1)`, [m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}
