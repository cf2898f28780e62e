import { z } from "zod";
import {
  AccountRef, ChangesQuery, ChangesResult, ConnectBody, ConnectResult, DisconnectQuery, DisconnectResult, ErrorBody, FollowersPage, FollowersQuery,
  SyncBody, SyncResult, TreeDocument, WebhookEvent,
} from "./schemas.ts";

/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the zod schemas the routes parse with (schemas.ts). The console
 * serves it as JSON; `servers` is filled in by whoever serves it.
 */
type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: "input" | "output" = "output"): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  return rest;
};

const json = (s: z.ZodType, description: string): Json => ({ description, content: { "application/json": { schema: schema(s) } } });

/** Query parameters from a zod object: one OpenAPI parameter per field. */
function queryParams(s: z.ZodObject): Json[] {
  const js = schema(s, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name, in: "query", required: js.required?.includes(name) ?? false, schema: p, ...(typeof p.description === "string" ? { description: p.description } : {}),
  }));
}

const accountParam = { name: "account", in: "path", required: true, schema: schema(AccountRef), description: "NETWORK:ACCOUNT_ID (URL-encoded)" };
const errors = (...codes: number[]): Json => Object.fromEntries(codes.map((c) => [String(c), json(ErrorBody, ERROR_TEXT[c] ?? "error")]));
const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input", 401: "Missing or invalid API key", 404: "Unknown account", 410: "That version (or cursor) is no longer kept: re-read the full set",
  429: "Over the key's request rate (see Retry-After)",
};

export function openApiDocument(opts: { version?: string; serverUrl?: string } = {}): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Fanout host website API", version: opts.version ?? "1",
      description: "Followers Fanout imported, the changes between versions, and the accounts it imports for. Every call needs `Authorization: Bearer <API key>` (`fanout apikeys add NAME`).",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: fo_…" } },
      schemas: { Error: schema(ErrorBody), TreeDocument: schema(TreeDocument), WebhookEvent: schema(WebhookEvent) },
    },
    paths: {
      "/api/v1/accounts": {
        post: {
          summary: "Connect an account", requestBody: { required: true, content: { "application/json": { schema: schema(ConnectBody, "input") } } },
          responses: { 200: json(ConnectResult, "Connected"), ...errors(400, 401, 429) },
        },
      },
      "/api/v1/accounts/{account}": {
        delete: {
          summary: "Disconnect an account (purge=1 also deletes its data)", parameters: [accountParam, ...queryParams(DisconnectQuery)],
          responses: { 200: json(DisconnectResult, "Disconnected"), ...errors(400, 401, 404, 429) },
        },
      },
      "/api/v1/syncs": {
        post: {
          summary: "Start a sync of one or more accounts", requestBody: { required: true, content: { "application/json": { schema: schema(SyncBody, "input") } } },
          responses: { 200: json(SyncResult, "Started"), ...errors(400, 401, 429) },
        },
      },
      "/api/v1/syncs/{treeId}": {
        get: {
          summary: "A sync's tree (state unknown for an unknown id)", parameters: [{ name: "treeId", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: json(TreeDocument, "The tree"), ...errors(400, 401, 429) },
        },
      },
      "/api/v1/accounts/{account}/followers": {
        get: {
          summary: "One page of the account's current follower set; a cursor stays on its version",
          parameters: [accountParam, ...queryParams(FollowersQuery)],
          responses: { 200: json(FollowersPage, "A page"), ...errors(400, 401, 404, 410, 429) },
        },
      },
      "/api/v1/accounts/{account}/changes": {
        get: {
          summary: "What changed since a version", parameters: [accountParam, ...queryParams(ChangesQuery)],
          responses: { 200: json(ChangesResult, "Added and removed follower ids"), ...errors(400, 401, 404, 410, 429) },
        },
      },
    },
  };
}
