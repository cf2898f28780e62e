import type { RawResponse } from "../../src/networks/response.ts";

/** A fixed clock for every table: times in headers are written relative to it. */
export const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
export const NOW_S = NOW / 1000;

/** A JSON response as the APIs send it (`type` lets a case use application/problem+json). */
export function jsonRes(status: number, body: unknown, headers: Record<string, string> = {}, type = "application/json"): RawResponse {
  return { status, headers: { "content-type": type, ...headers }, body: JSON.stringify(body) };
}

export function textRes(status: number, body: string, type: string | undefined, headers: Record<string, string> = {}): RawResponse {
  return { status, headers: type === undefined ? headers : { "content-type": type, ...headers }, body };
}

export const HTML_PAGE = "<!DOCTYPE html><html><head><title>Twitter / Over capacity</title></head><body>Too many tweets!</body></html>";

/** What every network must refuse as a 2xx: never an empty page. */
export const BAD_2XX: { name: string; res: RawResponse }[] = [
  { name: "HTML page with status 200", res: textRes(200, HTML_PAGE, "text/html; charset=utf-8") },
  { name: "truncated JSON", res: textRes(200, '{"data":[{"id":"1"},{"id":"2"', "application/json") },
  { name: "non-JSON under a JSON content type", res: textRes(200, "Service Unavailable", "application/json") },
  { name: "empty body", res: textRes(200, "", "application/json") },
  { name: "empty body without a content type", res: textRes(200, "", undefined) },
  { name: "JSON null", res: textRes(200, "null", "application/json") },
];
