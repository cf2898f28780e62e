import type { Reply } from "../../http/reply.ts";

const PROBLEM = "application/problem+json";

/** Twitter v2 errors are RFC 7807 problem details. */
export function problem(status: number, body: Record<string, unknown>): Reply {
  return { status, headers: { "content-type": PROBLEM }, body: JSON.stringify(body) };
}

export function unauthorized(): Reply {
  return problem(401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
}

export function tooManyRequests(): Reply {
  return problem(429, { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 });
}

export function usageCapped(): Reply {
  return problem(429, {
    title: "UsageCapExceeded",
    detail: "Usage cap exceeded: Monthly product cap",
    type: "https://api.twitter.com/2/problems/usage-capped",
    period: "Monthly",
    scope: "Product",
    account_id: 1_690_000_000,
    product_name: "standard-basic",
  });
}

/** 400 invalid-request naming the offending query parameter. */
export function invalidParameter(name: string, value: string, message: string): Reply {
  return problem(400, {
    errors: [{ parameters: { [name]: [value] }, message }],
    title: "Invalid Request",
    detail: "One or more parameters to your request was invalid.",
    type: "https://api.twitter.com/2/problems/invalid-request",
  });
}

/** Twitter answers an unknown user with 200 and a resource-not-found error instead of data. */
export function userNotFound(id: string): Reply {
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({
      errors: [{
        value: id, detail: `Could not find user with id: [${id}].`, title: "Not Found Error", resource_type: "user",
        parameter: "id", resource_id: id, type: "https://api.twitter.com/2/problems/resource-not-found",
      }],
    }),
  };
}

const TITLES: Record<number, string> = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

export function serverProblem(status: number): Reply {
  const title = TITLES[status] ?? "Internal Server Error";
  return problem(status, { title, detail: title, type: "about:blank", status });
}

/** The historic "over capacity" page (the fail whale): HTML, not JSON. */
export function overCapacityPage(): Reply {
  return {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: "<!DOCTYPE html><html><head><title>Twitter / Over capacity</title></head><body><h1>Twitter is over capacity.</h1>"
      + "<p>Too many tweets! Please wait a moment and try again.</p></body></html>",
  };
}
