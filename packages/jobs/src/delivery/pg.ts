import type { PoolClient } from "pg";

/** `a.b` → `"a"."b"`; names are validated lowercase identifiers (delivery/settings.ts checks them on load too). */
export function ident(name: string): string {
  if (!/^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a table name: ${name}`);
  return name.split(".").map((p) => `"${p}"`).join(".");
}

/** Runs `fn` in one transaction: committed when it returns, rolled back when it throws (the first error wins). */
export async function transaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  let out: T;
  try {
    out = await fn();
  } catch (err) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackErr) {
      throw new Error(`rollback failed after: ${(err as Error).message}`, { cause: rollbackErr });
    }
    throw err;
  }
  await client.query("COMMIT");
  return out;
}
