import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@fanout/testkit/free-port";
import { waitFor } from "@fanout/testkit/wait";
import { httpCall, type HttpCall } from "../../src/networks/http.ts";
import { TwitterError } from "../../src/networks/twitter.ts";
import { failure } from "./failure.ts";
import { startLocalServer, type Handler, type LocalServer } from "./local-server.ts";

const TIMEOUT = 300;
// The deadline plus a generous second for scheduling noise: a hung call would take forever, not 1.3 s.
const BOUND = TIMEOUT + 1_000;

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = await startLocalServer(handler);
  return server.url;
}

function call(url: string, extra: Partial<HttpCall> = {}): Promise<unknown> {
  return httpCall({ network: "test", method: "GET", url: new URL(`${url}/path?access_token=SECRET123`), timeoutMs: TIMEOUT, ...extra });
}

describe("httpCall", () => {
  it("returns status, lower-cased headers and the body", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(201, { "X-Rate-Limit-Remaining": "3", "content-type": "application/json" });
      res.end('{"ok":true}');
    });
    const res = await httpCall({ network: "test", method: "GET", url: new URL(url) });
    expect(res).toEqual({ status: 201, headers: expect.objectContaining({ "x-rate-limit-remaining": "3" }), body: '{"ok":true}' });
  });

  it("abandons a socket that never answers within timeout + 1 s", async () => {
    let closed = false;
    const url = await serve((req) => req.socket.on("close", () => (closed = true)));
    const { err, ms } = await failure(call(url));
    expect(err.kind).toBe("transient");
    expect(err.code).toBe("ETIMEDOUT");
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 20);
    expect(ms).toBeLessThan(BOUND);
    // The client drops the connection rather than leaving it to the server.
    await waitFor(() => closed, (c) => c, { timeoutMs: 2_000, what: "server sees the socket close" });
  });

  it("abandons a stalled body within timeout + 1 s", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"data":[');
    });
    const { err, ms } = await failure(call(url));
    expect([err.kind, err.code]).toEqual(["transient", "ETIMEDOUT"]);
    expect(ms).toBeLessThan(BOUND);
  });

  it("holds one deadline over the whole call, even when bytes keep trickling in", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const tick = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(tick));
    });
    const { err, ms } = await failure(call(url));
    expect(err.code).toBe("ETIMEDOUT");
    expect(ms).toBeLessThan(BOUND);
  });

  it("refuses a body whose declared length exceeds the cap without reading it", async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(100 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => { while (!res.destroyed && res.write(chunk)) written += chunk.length; };
      res.on("drain", pump);
      pump();
    });
    const { err, ms } = await failure(call(url, { maxBodyBytes: 1024 * 1024, timeoutMs: 5_000 }));
    expect([err.kind, err.code]).toEqual(["transient", "BODY_TOO_LARGE"]);
    expect(ms).toBeLessThan(2_000);
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it("refuses an endless chunked body as soon as it passes the cap, long before the deadline", async () => {
    let closed = false;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => { while (!res.destroyed && res.write(chunk)); };
      res.on("drain", pump);
      res.on("close", () => (closed = true));
      pump();
    });
    const { err, ms } = await failure(call(url, { maxBodyBytes: 1024 * 1024, timeoutMs: 10_000 }));
    expect(err.code).toBe("BODY_TOO_LARGE");
    expect(ms).toBeLessThan(3_000);
    await waitFor(() => closed, (c) => c, { timeoutMs: 2_000, what: "server sees the socket close" });
  });

  it("calls onSent once per call as its headers go out: after connecting, before the server reads it", async () => {
    const sent = new Map<number, number>();
    const seenBefore: number[] = [];
    const url = await serve((req, res) => {
      const i = Number(new URL(req.url ?? "/", "http://x").searchParams.get("i"));
      seenBefore[i] = sent.get(i) ?? 0;
      res.end("ok");
    });
    const calls = Array.from({ length: 20 }, (_, i) => {
      return httpCall({ network: "test", method: "GET", url: new URL(`${url}/p?i=${i}`), onSent: () => sent.set(i, (sent.get(i) ?? 0) + 1) });
    });
    // Nothing has left yet: each call first needs a connection, which takes a turn of the event loop.
    expect(sent.size).toBe(0);
    await Promise.all(calls);
    expect([...sent.values()]).toEqual(Array.from({ length: 20 }, () => 1));
    expect(seenBefore).toEqual(Array.from({ length: 20 }, () => 1));
  });

  it("never calls onSent for a call that could not leave", async () => {
    const port = await freePort();
    let sent = 0;
    const { err } = await failure(call(`http://127.0.0.1:${port}`, { onSent: () => sent++ }));
    expect(err.code).toBe("ECONNREFUSED");
    expect(sent).toBe(0);
  });

  it("turns a refused connection into a transient ECONNREFUSED", async () => {
    const port = await freePort();
    const { err } = await failure(call(`http://127.0.0.1:${port}`));
    expect([err.kind, err.code]).toEqual(["transient", "ECONNREFUSED"]);
  });

  it("turns a reset connection into a transient ECONNRESET", async () => {
    const url = await serve((req) => req.socket.destroy());
    const { err } = await failure(call(url));
    expect([err.kind, err.code]).toEqual(["transient", "ECONNRESET"]);
  });

  it("turns a name that does not resolve into a transient failure", async () => {
    const { err } = await failure(httpCall({ network: "test", method: "GET", url: new URL("http://fanout-test.invalid/"), timeoutMs: 2_000 }));
    expect(err.kind).toBe("transient");
    expect(["ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT"]).toContain(err.code);
  });

  it("gives the caller's abort reason back promptly, not a network error", async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const reason = new Error("worker shutting down");
    const pending = call(url, { signal: controller.signal, timeoutMs: 10_000 });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it("creates errors of the network's class and never shows the query string", async () => {
    const port = await freePort();
    const { err } = await failure(call(`http://127.0.0.1:${port}`, { network: "twitter", errorClass: TwitterError }));
    expect(err).toBeInstanceOf(TwitterError);
    expect(err.name).toBe("TwitterError");
    expect(err.network).toBe("twitter");
    expect(err.message).toContain("GET /path");
    expect(err.message).not.toContain("SECRET123");
    expect(err.message).not.toContain("access_token");
  });
});
