import { z } from "zod";
import { ACCOUNT_ID } from "../accounts/registry.ts";
import { NETWORKS } from "../network.ts";

/** The largest account simnet will create: ids are computed on demand, but truth sorts them all once. */
export const MAX_FOLLOWERS = 5_000_000;

export const CreateAccount = z.strictObject({
  network: z.enum(NETWORKS),
  followers: z.int().min(0).max(MAX_FOLLOWERS),
  id: z.string().regex(ACCOUNT_ID, "id must be 1-64 characters of A-Z a-z 0-9 _ . -").optional(),
});

export const ChangeFollowers = z.strictObject({
  add: z.int().min(0).max(MAX_FOLLOWERS).default(0),
  remove: z.int().min(0).max(MAX_FOLLOWERS).default(0),
});

export const NetworkName = z.enum(NETWORKS);
