import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";

export interface RedisCluster { nodes: string; url: string; servers: RedisServer[]; stop(): Promise<void> }

/**
 * A real Redis Cluster of `masters` nodes on free loopback ports (`redis-server --cluster-enabled yes` each, joined
 * with `redis-cli --cluster create`), for the integration suite's cluster run. No replicas: this proves slot
 * spreading and cross-slot safety, not failover.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "fanout-cluster-"));
  const servers: RedisServer[] = [];
  for (let i = 0; i < masters; i++) {
    const port = await freePort();
    servers.push(await startRedisServer({
      port, dir: mkdtempSync(join(dir, `n${i}-`)),
      args: ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "5000"],
    }));
  }
  const hosts = servers.map((s) => `127.0.0.1:${s.port}`);
  await run("redis-cli", ["--cluster", "create", ...hosts, "--cluster-replicas", "0", "--cluster-yes"]);
  await waitClusterOk(servers[0]?.port ?? 0);
  return {
    nodes: hosts.join(","), url: `redis://${hosts[0]}`, servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.stderr.on("data", (b: Buffer) => (out += b.toString()));
    p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${out}`))));
  });
}

async function waitClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = await run("redis-cli", ["-p", String(port), "cluster", "info"]).catch(() => "");
    if (info.includes("cluster_state:ok")) return;
    if (Date.now() > deadline) throw new Error(`cluster on ${port} never reached cluster_state:ok: ${info}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
