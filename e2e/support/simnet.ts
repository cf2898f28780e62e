import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { StackInfo } from "./stack.ts";

/** simnet's admin API, over HTTP like any client (INTERFACES.md "simnet"). */
export interface SimnetAccount { network: string; id: string; token: string; refreshToken?: string | null; followers: number }

export function simnet(stack: Pick<StackInfo, "simnetUrl" | "home">) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${stack.simnetUrl}${path}`, {
      method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simnet ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
  return {
    call,
    accounts: (network?: string) => call<SimnetAccount[]>("GET", `/_simnet/accounts${network ? `?network=${network}` : ""}`),
    /** An account of the story's own (ids are unique per run), so stories never share state through an account. */
    async create(network: string, id: string, followers: number): Promise<SimnetAccount> {
      const a = await call<SimnetAccount>("POST", "/_simnet/accounts", { network, id, followers });
      rememberToken(stack, a);
      return a;
    },
    async account(network: string, id: string): Promise<SimnetAccount> {
      const a = (await call<SimnetAccount[]>("GET", `/_simnet/accounts?network=${network}`)).find((x) => x.id === id);
      if (!a) throw new Error(`simnet has no ${network}:${id}`);
      rememberToken(stack, a);
      return a;
    },
    patch: (config: unknown) => call<unknown>("PATCH", "/_simnet/config", config),
    revoke: (network: string, id: string) => call<unknown>("POST", `/_simnet/accounts/${network}/${encodeURIComponent(id)}/revoke`),
    async reissue(network: string, id: string): Promise<SimnetAccount> {
      const a = await call<SimnetAccount>("POST", `/_simnet/accounts/${network}/${encodeURIComponent(id)}/token`);
      rememberToken(stack, a);
      return a;
    },
    truth: (network: string, id: string) => call<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/${encodeURIComponent(id)}`),
  };
}

/** Tokens the stories handed to Fanout, for the leak check (kept in the run's private directory, not in artifacts). */
export const tokensFile = (stack: Pick<StackInfo, "home">) => join(stack.home, "tokens-used.txt");

function rememberToken(stack: Pick<StackInfo, "home">, a: SimnetAccount): void {
  appendFileSync(tokensFile(stack), `${a.token}\n${a.refreshToken ? `${a.refreshToken}\n` : ""}`);
}
