import { z } from "zod";

/** The few simnet admin calls the CLI makes (`connect --simnet`, `demo`), over HTTP like any client. */
const Account = z.object({ network: z.string(), id: z.string(), token: z.string(), refreshToken: z.string().nullable().optional(), followers: z.number() });
export type SimnetAccount = z.infer<typeof Account>;

export function simnetAdmin(baseUrl: string) {
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method, signal: AbortSignal.timeout(10_000),
        ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new Error(`simnet at ${baseUrl} is not reachable (${(err as Error).message}); start it with npm run simnet`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`simnet ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  }
  return {
    async accounts(network?: string): Promise<SimnetAccount[]> {
      return z.array(Account).parse(await call("GET", `/_simnet/accounts${network ? `?network=${encodeURIComponent(network)}` : ""}`));
    },
    async createAccount(network: string, followers: number, id?: string): Promise<SimnetAccount> {
      return Account.parse(await call("POST", "/_simnet/accounts", { network, followers, ...(id ? { id } : {}) }));
    },
    patchConfig: (patch: unknown) => call("PATCH", "/_simnet/config", patch),
  };
}
