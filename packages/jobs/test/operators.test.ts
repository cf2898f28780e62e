import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkPassword, createOperators, hashPassword, LastAdminError, OperatorExistsError, OperatorInputError, OperatorNotFoundError,
  parseAdminSpec, roleAllows, type Operators,
} from "../src/operators.ts";
import { Redis } from "ioredis";
import { testRedis } from "./helpers.ts";

type Ctx = Awaited<ReturnType<typeof testRedis>>;

describe("operators", () => {
  let ctx: Ctx;
  let ops: Operators;
  let t = 1_700_000_000_000;

  beforeEach(async () => {
    ctx = await testRedis();
    ops = createOperators({ redis: ctx.redis, keys: ctx.keys, clock: { now: () => t }, loginLimit: { max: 3, windowMs: 60_000 } });
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  it("hashes with salted scrypt and stores the parameters with the hash", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await checkPassword("correct horse", a)).toBe(true);
    expect(await checkPassword("correct horsf", a)).toBe(false);
    expect(await checkPassword("x", "scrypt$40$8$1$abc$def")).toBe(false);
  });

  it("adds, lists, verifies and removes operators; the password never leaves the module", async () => {
    await ops.addOperator("alice", "alice-password", "admin");
    t += 1_000;
    await ops.addOperator("bob", "bob-password", "viewer");
    const list = await ops.listOperators();
    expect(list.map((o) => [o.name, o.role, o.createdAt])).toEqual([["alice", "admin", t - 1_000], ["bob", "viewer", t]]);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|password/);

    expect((await ops.verifyPassword("bob", "bob-password"))?.role).toBe("viewer");
    expect(await ops.verifyPassword("bob", "alice-password")).toBeNull();
    expect(await ops.verifyPassword("nobody", "bob-password")).toBeNull();
    expect(await ops.verifyPassword("bad name!", "bob-password")).toBeNull();

    await ops.removeOperator("bob");
    expect(await ops.getOperator("bob")).toBeNull();
    expect(await ops.verifyPassword("bob", "bob-password")).toBeNull();
    expect((await ops.listOperators()).map((o) => o.name)).toEqual(["alice"]);
  });

  it("refuses bad input with errors that name the field", async () => {
    await expect(ops.addOperator("", "long-enough", "viewer")).rejects.toMatchObject({ name: "OperatorInputError", field: "name" });
    await expect(ops.addOperator("a:b", "long-enough", "viewer")).rejects.toBeInstanceOf(OperatorInputError);
    await expect(ops.addOperator("carol", "short", "viewer")).rejects.toMatchObject({ field: "password" });
    await expect(ops.addOperator("carol", "long-enough", "root")).rejects.toMatchObject({ field: "role" });
    await ops.addOperator("carol", "long-enough", "operator");
    await expect(ops.addOperator("carol", "other-password", "admin")).rejects.toBeInstanceOf(OperatorExistsError);
    await expect(ops.removeOperator("dave")).rejects.toBeInstanceOf(OperatorNotFoundError);
    await expect(ops.setRole("carol", "superuser")).rejects.toMatchObject({ field: "role" });
  });

  it("creates each operator once when two adds race", async () => {
    const results = await Promise.allSettled([ops.addOperator("erin", "password-one", "admin"), ops.addOperator("erin", "password-two", "viewer")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof OperatorExistsError)).toHaveLength(1);
    expect(await ops.listOperators()).toHaveLength(1);
  });

  it("ensureAdmin creates the first admin once and never overwrites it", async () => {
    expect(await ops.ensureAdmin("root:first-password")).toEqual({ name: "root", created: true });
    expect(await ops.ensureAdmin("root:second-password")).toEqual({ name: "root", created: false });
    expect((await ops.verifyPassword("root", "first-password"))?.role).toBe("admin");
    expect(parseAdminSpec("ops:pass:with:colons")).toEqual({ name: "ops", password: "pass:with:colons" });
    expect(() => parseAdminSpec("nocolon")).toThrow(OperatorInputError);
    expect(() => parseAdminSpec("x:short")).toThrow(/at least 8/);
  });

  it("keeps the last admin", async () => {
    await ops.addOperator("root", "root-password", "admin");
    await ops.addOperator("vic", "vic-password", "viewer");
    await expect(ops.removeOperator("root")).rejects.toBeInstanceOf(LastAdminError);
    await expect(ops.setRole("root", "viewer")).rejects.toBeInstanceOf(LastAdminError);
    await ops.setRole("vic", "admin");
    await ops.removeOperator("root");
    expect((await ops.listOperators()).map((o) => `${o.name}:${o.role}`)).toEqual(["vic:admin"]);
  });

  it("a Redis that does not answer is an error, never a signed-out session", async () => {
    const op = await ops.addOperator("ria", "ria-password", "operator");
    const session = { name: "ria", sid: "session-0009", epoch: op.epoch };
    // A fast-failing client on a port where nothing listens: each command fails at once (no offline queue).
    const dead = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const cut = createOperators({ redis: dead, keys: ctx.keys, clock: { now: () => t } });
    await expect(cut.checkSession(session)).rejects.toThrow();
    dead.disconnect();
    expect((await ops.checkSession(session))?.name).toBe("ria");
  });

  it("ends sessions on sign-out, on a new password and on removal", async () => {
    const op = await ops.addOperator("sam", "sam-password", "operator");
    const session = { name: "sam", sid: "session-0001", epoch: op.epoch };
    expect((await ops.checkSession(session))?.role).toBe("operator");
    await ops.setRole("sam", "viewer");
    expect((await ops.checkSession(session))?.role).toBe("viewer");

    await ops.revokeSession("session-0001", 60_000);
    expect(await ops.checkSession(session)).toBeNull();
    expect(await ops.checkSession({ ...session, sid: "session-0002" })).not.toBeNull();

    const changed = await ops.setPassword("sam", "new-sam-password");
    expect(await ops.checkSession({ ...session, sid: "session-0002" })).toBeNull();
    expect(await ops.checkSession({ ...session, sid: "session-0003", epoch: changed.epoch })).not.toBeNull();
    expect(await ops.verifyPassword("sam", "sam-password")).toBeNull();
    expect(await ops.verifyPassword("sam", "new-sam-password")).not.toBeNull();

    await ops.removeOperator("sam");
    expect(await ops.checkSession({ ...session, sid: "session-0003", epoch: changed.epoch })).toBeNull();
    const again = await ops.addOperator("sam", "sam-password", "operator");
    expect(again.epoch).not.toBe(changed.epoch);
  });

  it("limits sign-in attempts per address and name", async () => {
    for (let i = 0; i < 3; i++) expect((await ops.takeLoginAttempt("10.0.0.1", "alice")).allowed).toBe(true);
    const refused = await ops.takeLoginAttempt("10.0.0.1", "alice");
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await ops.takeLoginAttempt("10.0.0.2", "alice")).allowed).toBe(true);
    expect((await ops.takeLoginAttempt("10.0.0.1", "bob")).allowed).toBe(true);
    await ops.clearLoginAttempts("10.0.0.1", "alice");
    expect((await ops.takeLoginAttempt("10.0.0.1", "alice")).allowed).toBe(true);
    // Whatever a client sends as a name, the key stays bounded and under the prefix.
    await ops.takeLoginAttempt("::1", "x".repeat(10_000));
    const found = await ctx.redis.keys(`${ctx.prefix}:*`);
    expect(found.every((k) => k.length < 200)).toBe(true);
  });

  it("orders roles", () => {
    expect(roleAllows("admin", "operator")).toBe(true);
    expect(roleAllows("operator", "operator")).toBe(true);
    expect(roleAllows("viewer", "operator")).toBe(false);
    expect(roleAllows("operator", "admin")).toBe(false);
  });
});
