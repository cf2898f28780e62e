import { NetworkError } from "../../src/networks/errors.ts";

/** The NetworkError a call rejects with (anything else is rethrown, success fails), and how long the call took. */
export async function failure(p: Promise<unknown>): Promise<{ err: NetworkError; ms: number }> {
  const t0 = performance.now();
  const err = await p.then(() => new Error("expected a NetworkError, but the call succeeded"), (e: unknown) => e);
  const ms = performance.now() - t0;
  if (!(err instanceof NetworkError)) throw err;
  return { err, ms };
}
