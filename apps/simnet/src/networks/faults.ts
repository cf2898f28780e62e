import { htmlReply, type Reply } from "../http/reply.ts";
import { intBetween, type Rng } from "../ids/rng.ts";

export const SERVER_STATUSES = [500, 502, 503, 504] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

export function pickServerStatus(rng: Rng): ServerStatus {
  return SERVER_STATUSES[intBetween(rng, 0, SERVER_STATUSES.length - 1)] ?? 500;
}

/** What an outage does to one request: real outages show as reset connections and 502/503 from the edge. */
export type OutageAction = "drop" | "bad-gateway" | "unavailable";

export function outageAction(rng: Rng): OutageAction {
  const r = rng();
  return r < 0.5 ? "drop" : r < 0.75 ? "bad-gateway" : "unavailable";
}

/** The load balancer's own page: HTML, whatever the API behind it speaks. */
export function badGatewayPage(): Reply {
  return htmlReply(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    + "<hr><center>nginx</center></body></html>");
}

/**
 * A 200 that is not what it claims: either the JSON cut off half way (still under a JSON content type, with a
 * matching length so the transfer itself looks complete) or an HTML page from some proxy.
 */
export function malformed(reply: Reply, rng: Rng): Reply {
  if (rng() < 0.5) {
    const cut = Math.max(1, Math.floor(reply.body.length / 2));
    return { status: 200, headers: reply.headers, body: reply.body.slice(0, cut) };
  }
  return htmlReply(200, "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><h1>Checking your browser"
    + " before accessing the site.</h1><p>This process is automatic.</p></body></html>");
}
