import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTreeStore, type TreeStore } from "../src/tree/tree.ts";
import { testRedis } from "./helpers.ts";

describe("tree (leaf-8.lua on real Redis)", () => {
  let ctx: Awaited<ReturnType<typeof testRedis>>;
  let tree: TreeStore;
  beforeEach(async () => {
    ctx = await testRedis();
    tree = createTreeStore({ redis: ctx.redis, keys: ctx.keys, clock: { now: () => 1_000 } });
  });
  afterEach(() => ctx.cleanup());

  it("answers unknown (never pending) for a tree it knows nothing about", async () => {
    expect((await tree.read("nope")).state).toBe("unknown");
  });

  it("is done only when the last page is stored, counting a page that runs twice once", async () => {
    await tree.create("t1", [{ node: "twitter:a", firstLeaf: "p0" }], {});
    expect((await tree.read("t1")).state).toBe("pending");
    await tree.setState("t1", "twitter:a", "p0", "running");
    const r0 = await tree.done("t1", "twitter:a", "p0", { ids: ["1", "2"], successors: ["p1"], nextCursor: "c1" });
    expect(r0).toMatchObject({ nodeState: "running", treeState: "", added: 2, registered: ["p1"] });
    // the same page again (a stalled job re-run): no double count, same successors reported
    const again = await tree.done("t1", "twitter:a", "p0", { ids: ["1", "2"], successors: ["p1"], nextCursor: "c1" });
    expect(again).toMatchObject({ added: 0, registered: ["p1"] });
    expect((await tree.read("t1")).counts).toMatchObject({ done: 1, pending: 1 });
    await tree.setState("t1", "twitter:a", "p1", "running");
    const r1 = await tree.done("t1", "twitter:a", "p1", { ids: ["2", "3"], successors: [] });
    expect(r1.nodeState).toBe("committing");
    expect((await tree.read("t1")).state).toBe("running");
    const c = await tree.commit("t1", "twitter:a");
    expect(c).toMatchObject({ nodeState: "done", treeState: "done" });
    const doc = await tree.read("t1");
    expect(doc).toMatchObject({ state: "done", counts: { done: 2, pending: 0, running: 0, failed: 0 } });
    expect(await ctx.redis.scard(ctx.keys.treeStaging("t1", "twitter:a"))).toBe(3);
  });

  it("stores ids into a staged ZSET left by a version before issue 11 (staging as a SET), counting only new ones", async () => {
    await tree.create("tl", [{ node: "twitter:a", firstLeaf: "p0" }], {});
    await ctx.redis.zadd(ctx.keys.treeStaging("tl", "twitter:a"), 0, "1", 0, "2");
    const r = await tree.done("tl", "twitter:a", "p0", { ids: ["2", "3", "4"], successors: [] });
    expect(r.added).toBe(2);
    expect(await ctx.redis.type(ctx.keys.treeStaging("tl", "twitter:a"))).toBe("zset");
    expect(await ctx.redis.zrange(ctx.keys.treeStaging("tl", "twitter:a"), 0, -1, "WITHSCORES")).toEqual(["1", "0", "2", "0", "3", "0", "4", "0"]);
  });

  it("stages a page of 2,500 ids (more than one SADD batch) and marks the coverage of each", async () => {
    await tree.create("tb", [{ node: "linkedin:a", firstLeaf: "o0" }], {});
    const ids = Array.from({ length: 2_500 }, (_, i) => `id${i}`);
    const r = await tree.done("tb", "linkedin:a", "o0", { ids, successors: [], coverStart: 10 });
    expect(r.added).toBe(2_500);
    expect(await ctx.redis.scard(ctx.keys.treeStaging("tb", "linkedin:a"))).toBe(2_500);
    expect(await ctx.redis.sismember(ctx.keys.treeStaging("tb", "linkedin:a"), "id2499")).toBe(1);
    expect(await tree.gaps("tb", "linkedin:a", 2_520)).toEqual([[0, 10], [2_510, 2_520]]);
  });

  it("stores each id exactly as given, one JSON argument for the whole page; refuses an empty id or a lone surrogate", async () => {
    await tree.create("tj", [{ node: "mastodon:a", firstLeaf: "p0" }, { node: "mastodon:b", firstLeaf: "p0" }], {});
    const ids = ["109", "a b", "é-ü", "x\ty", "1", "1", "2\n3", "q\"\\u0041", "😀", "\u0000"];
    const r = await tree.done("tj", "mastodon:a", "p0", { ids, successors: [] });
    expect(r.added).toBe(9);
    expect((await ctx.redis.smembers(ctx.keys.treeStaging("tj", "mastodon:a"))).sort()).toEqual([...new Set(ids)].sort());
    await expect(tree.done("tj", "mastodon:b", "p0", { ids: ["1", ""], successors: [] })).rejects.toThrow(/empty/);
    await expect(tree.done("tj", "mastodon:b", "p0", { ids: ["1", "a\ud800"], successors: [] })).rejects.toThrow(/surrogate/);
    // nothing of the refused page was stored or counted
    expect(await ctx.redis.exists(ctx.keys.treeStaging("tj", "mastodon:b"))).toBe(0);
    expect((await tree.read("tj")).counts).toMatchObject({ done: 1, pending: 1 });
    // an empty page stores nothing and still counts as done
    const empty = await tree.done("tj", "mastodon:b", "p0", { ids: [], successors: [], stopIfNoNew: "anomaly" });
    expect(empty).toMatchObject({ added: 0, nodeState: "committing" });
  });

  it("marks exactly the positions of each page, aligned or not, short or long", async () => {
    const cases: [number, number][] = [[0, 1], [3, 2], [5, 3], [7, 9], [8, 8], [13, 40], [61, 3], [64, 1], [100, 17]];
    await tree.create("tc", [{ node: "linkedin:c", firstLeaf: "o0" }], {});
    const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
    await tree.done("tc", "linkedin:c", "o0", { ids: [], successors: cases.map((_, i) => `o${i + 1}`) });
    const held = new Set<number>();
    for (const [i, [start, n]] of cases.entries()) {
      await tree.done("tc", "linkedin:c", `o${i + 1}`, { ids: ids(n, `c${i}`), successors: [], coverStart: start });
      for (let k = start; k < start + n; k++) held.add(k);
    }
    const expected: [number, number][] = [];
    for (let k = 0; k < 130; k++) {
      if (held.has(k)) continue;
      const last = expected[expected.length - 1];
      if (last && last[1] === k) last[1] = k + 1;
      else expected.push([k, k + 1]);
    }
    expect(await tree.gaps("tc", "linkedin:c", 130)).toEqual(expected);
  });

  it("settles partial when a page fails for good, and requeue reopens exactly that page", async () => {
    await tree.create("t2", [{ node: "x:a", firstLeaf: "o0" }, { node: "x:b", firstLeaf: "o0" }], {});
    await tree.done("t2", "x:a", "o0", { ids: ["1"], successors: ["o50"] });
    const f = await tree.fail("t2", "x:a", "o50", { error: "boom", kind: "transient" });
    expect(f.nodeState).toBe("partial");
    await tree.done("t2", "x:b", "o0", { ids: [], successors: [] });
    const settled = await tree.commit("t2", "x:b");
    expect(settled.treeState).toBe("partial");
    const doc = await tree.read("t2");
    expect(doc.failed).toEqual([expect.objectContaining({ node: "x:a", page: "o50", error: "boom", kind: "transient" })]);
    await tree.requeue("t2", "x:a", "o50");
    await tree.requeue("t2", "x:a", "o50"); // twice is once
    expect((await tree.read("t2"))).toMatchObject({ state: "running", counts: { failed: 0, pending: 1 } });
    await tree.setState("t2", "x:a", "o50", "running");
    expect((await tree.done("t2", "x:a", "o50", { ids: ["2"], successors: [] })).nodeState).toBe("committing");
    expect((await tree.commit("t2", "x:a")).treeState).toBe("done");
  });

  it("stops paging on a repeated cursor or an endless page, recording an anomaly", async () => {
    await tree.create("t3", [{ node: "f:a", firstLeaf: "p0" }, { node: "l:b", firstLeaf: "o0" }], {});
    await tree.done("t3", "f:a", "p0", { ids: ["1"], successors: ["p1"], nextCursor: "c" });
    const rep = await tree.done("t3", "f:a", "p1", { ids: ["2"], successors: ["p2"], nextCursor: "c" });
    expect(rep.registered).toEqual([]);
    expect((await tree.node("t3", "f:a"))?.anomaly).toMatch(/repeated cursor/);
    await tree.done("t3", "l:b", "o0", { ids: ["9"], successors: ["o50"] });
    const endless = await tree.done("t3", "l:b", "o50", { ids: ["9"], successors: ["o100"], stopIfNoNew: "anomaly" });
    expect(endless.registered).toEqual([]);
    expect(endless.nodeState).toBe("committing");
    await tree.commit("t3", "f:a");
    expect((await tree.commit("t3", "l:b")).treeState).toBe("partial");
  });

  it("ignores a page the tree never registered (an orphan job does nothing)", async () => {
    await tree.create("t4", [{ node: "x:a", firstLeaf: "o0" }], {});
    expect((await tree.setState("t4", "x:a", "o999", "running")).nodeState).toBe("orphan");
    expect((await tree.read("t4")).counts.running).toBe(0);
  });

  it("reads a tree in O(1) commands and its children in pages", async () => {
    const nodes = Array.from({ length: 120 }, (_, i) => ({ node: `x:${i}`, firstLeaf: "o0" }));
    await tree.create("t5", nodes, {});
    const first = await tree.children("t5", 0, 50);
    expect(first.nodes).toHaveLength(50);
    expect(first.next).toBe(50);
    const last = await tree.children("t5", 100, 50);
    expect(last.nodes.map((n) => n.node)).toEqual(nodes.slice(100).map((n) => n.node));
    expect(last.next).toBeNull();
  });
});

describe("tree reads cost the same whatever the tree's size", () => {
  it("read() is 3 commands and children() 1 + page size, at 20 and at 20,000 nodes", async () => {
    const ctx = await testRedis();
    try {
      const tree = createTreeStore({ redis: ctx.redis, keys: ctx.keys, clock: { now: () => 1 } });
      let sent = 0;
      type Send = (...args: unknown[]) => unknown;
      const client = ctx.redis as unknown as { sendCommand: Send };
      const original = client.sendCommand.bind(ctx.redis);
      client.sendCommand = (...args: unknown[]) => { sent++; return original(...args); };
      const cost = async (fn: () => Promise<unknown>) => { sent = 0; await fn(); return sent; };
      for (const size of [20, 20_000]) {
        const id = `big${size}`;
        await tree.create(id, Array.from({ length: size }, (_, i) => ({ node: `x:${i}`, firstLeaf: "o0" })), {});
        expect(await cost(() => tree.read(id))).toBe(3);
        expect(await cost(() => tree.children(id, Math.floor(size / 2), 10))).toBe(1 + 10);
      }
    } finally {
      await ctx.cleanup();
    }
  });
});
