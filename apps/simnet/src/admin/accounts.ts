import type { Account } from "../accounts/account.ts";
import { isReservedId, viewOf } from "../accounts/registry.ts";
import { truthOf } from "../accounts/truth.ts";
import type { SimnetContext } from "../context.ts";
import { jsonReply, type Reply } from "../http/reply.ts";
import type { Network } from "../network.ts";
import { badRequest } from "./io.ts";
import { ChangeFollowers, CreateAccount } from "./schemas.ts";
import { toBadRequest } from "./zod-error.ts";

export function listAccounts(ctx: SimnetContext, network: Network | undefined): Reply {
  return jsonReply(200, ctx.registry.list(network).map(viewOf));
}

export function createAccount(ctx: SimnetContext, body: unknown): Reply {
  const parsed = CreateAccount.safeParse(body);
  if (!parsed.success) return jsonReply(400, toBadRequest(parsed.error));
  const { network, followers, id } = parsed.data;
  if (id !== undefined && isReservedId(id)) return badRequest(`"${id}" is reserved by the networks' own routes`, "id");
  const ttl = ctx.config.net(network).tokenTtlMs;
  const account = ctx.registry.create(network, id, followers, ttl, ctx.now());
  if (!account) return jsonReply(409, { error: `account ${network}:${id ?? ""} already exists`, path: "id" });
  return jsonReply(201, viewOf(account));
}

export function revoke(ctx: SimnetContext, account: Account): Reply {
  ctx.registry.revoke(account);
  return jsonReply(200, { network: account.network, id: account.id, revoked: true });
}

export function reissue(ctx: SimnetContext, account: Account): Reply {
  const { expiresAt } = ctx.registry.issue(account, ctx.config.net(account.network).tokenTtlMs, ctx.now());
  return jsonReply(200, { ...viewOf(account), expiresAt });
}

export function truth(account: Account): Reply {
  return jsonReply(200, truthOf(account));
}

export function changeFollowers(ctx: SimnetContext, account: Account, body: unknown): Reply {
  const parsed = ChangeFollowers.safeParse(body ?? {});
  if (!parsed.success) return jsonReply(400, toBadRequest(parsed.error));
  const { add, remove } = parsed.data;
  if (remove > account.followers.count) {
    return badRequest(`cannot remove ${remove}: the account has ${account.followers.count} followers`, "remove");
  }
  ctx.registry.changeFollowers(account, add, remove);
  return jsonReply(200, truthOf(account));
}
