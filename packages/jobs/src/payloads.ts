import { z } from "zod";

/**
 * The job catalog: one zod schema per job type is the single source of truth for its payload type. Payloads carry
 * primitives only — ids, cursors, offsets — never a token and never API data.
 */
const id = z.string().min(1).max(256);
const network = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "network names are lowercase letters, digits, _ or -");

/** size: one profile call for the follower total before paging (whale detection); then the modes of paging.ts. */
export const PageMode = z.enum(["size", "cursor", "known", "window", "fill"]);

export const jobs = {
  /** One page of an account's followers: exactly one API call. */
  "followers.page": z.object({
    treeId: id,
    network,
    accountId: id,
    /** The account whose token makes the call (itself, or another account for networks that serve any list). */
    authAccount: id,
    /** The page's key within its node: p<index> for cursor paging, o<offset> for offsets, s0 for the size call,
     *  v<round>-<offset> for a page that fills a coverage gap found when the node was about to complete. */
    page: z.string().regex(/^([pos]\d+|v\d+-\d+)$/),
    cursor: z.string().max(2048).nullable(),
    offset: z.number().int().min(0),
    pageSize: z.number().int().min(1).max(10_000),
    mode: PageMode,
    /** Pages kept in flight for offset paging of unknown size. */
    window: z.number().int().min(1).max(1_000).default(1),
    authRetried: z.boolean().default(false),
    /** Offset paging: the total the first page reported. A later page's total minus this is how far the list shifted. */
    total0: z.number().int().min(0).optional(),
    /** Cursor paging: how many pages in a row answered with their own cursor as the next one (paging.ts). */
    repeats: z.number().int().min(1).max(100).optional(),
  }).strict(),
} as const;

export type JobName = keyof typeof jobs;
export type Payload<N extends JobName> = z.infer<(typeof jobs)[N]>;
export type PagePayload = Payload<"followers.page">;

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PayloadError";
  }
}

/** Parses a payload once, at the boundary; the error names the field. */
export function parsePayload<N extends JobName>(name: N, data: unknown): Payload<N> {
  const schema = jobs[name];
  const res = schema.safeParse(data);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new PayloadError(`invalid ${name} payload: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return res.data as Payload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name);
}
