import os from "node:os";

export interface MachineFacts {
  cpuModel: string; cpus: number; node: string; redis: string; platform: string; arch: string; totalMemMiB: number;
  loadAvgBefore: number[]; loadAvgAfter: number[];
}

export function machineFacts(redis: string, loadAvgBefore: number[]): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? "unknown", cpus: cpus.length, node: process.version, redis,
    platform: `${os.platform()} ${os.release()}`, arch: os.arch(), totalMemMiB: Math.round(os.totalmem() / 1_048_576),
    loadAvgBefore, loadAvgAfter: os.loadavg(),
  };
}
