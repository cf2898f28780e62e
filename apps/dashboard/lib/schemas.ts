import { z } from "zod";

/** Input shapes shared by several API routes. */
export const TreeIdParams = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, "a tree id") });
export const Account = z.string().min(3).max(300).regex(/^[a-z0-9_-]+:.+$/, "NETWORK:ACCOUNT_ID");
