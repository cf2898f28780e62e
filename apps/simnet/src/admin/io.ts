import type { IncomingMessage } from "node:http";
import { readBody } from "../http/body.ts";
import { jsonReply, type Reply } from "../http/reply.ts";

export type JsonBody = { ok: true; value: unknown } | { ok: false; reply: Reply };

export function badRequest(error: string, path: string): Reply {
  return jsonReply(400, { error, path });
}

/** Reads a JSON body (empty = undefined); a body too large is 413, unparseable JSON is 400. */
export async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const body = await readBody(req);
  if (!body.ok) {
    return {
      ok: false,
      reply: body.tooLarge
        ? jsonReply(413, { error: "request body too large (max 1 MiB)", path: "" }, { connection: "close" })
        : badRequest(`could not read body: ${body.error.message}`, ""),
    };
  }
  if (body.text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body.text) as unknown };
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, reply: badRequest(`malformed JSON: ${err.message}`, "") };
    throw err;
  }
}
