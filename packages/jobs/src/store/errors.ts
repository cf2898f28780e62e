/**
 * A version of an account's follower set (or the change sets leading from it) is no longer kept: the client starts
 * over with a full read. The API answers 410 Gone.
 */
export type GoneReason = "expired" | "too-many" | "unknown-version";

export class VersionGoneError extends Error {
  constructor(readonly reason: GoneReason, message: string) {
    super(message);
    this.name = "VersionGoneError";
  }
}

/** A cursor or version string that Fanout never issued (the API answers 400). */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CursorError";
  }
}
