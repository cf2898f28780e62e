/** A request target split into decoded path segments and query parameters (first value of a name wins). */
export interface Target { segments: string[]; query: Map<string, string>; rawQuery: string }

export class BadTarget extends Error {
  constructor(message: string, opts?: ErrorOptions) {
    super(message, opts);
    this.name = new.target.name;
  }
}

function decode(part: string, plusIsSpace: boolean): string {
  const s = plusIsSpace && part.includes("+") ? part.replace(/\+/g, " ") : part;
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch (err) {
    throw new BadTarget(`malformed percent-encoding in ${JSON.stringify(part.slice(0, 100))}`, { cause: err });
  }
}

/** Parses `application/x-www-form-urlencoded` text (a query string or a form body). */
export function parseForm(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text === "") return out;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq < 0 ? pair : pair.slice(0, eq), true);
    if (!out.has(name)) out.set(name, eq < 0 ? "" : decode(pair.slice(eq + 1), true));
  }
  return out;
}

/** Hand-rolled instead of `new URL()`: this runs on every request and the hot path wants no extra objects. */
export function parseTarget(url: string): Target {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  const segments: string[] = [];
  for (const part of path.split("/")) {
    if (part !== "") segments.push(decode(part, false));
  }
  return { segments, query: parseForm(rawQuery), rawQuery };
}
