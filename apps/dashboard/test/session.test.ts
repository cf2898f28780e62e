import { describe, expect, it } from "vitest";
import { createSessionCodec } from "../server/session.ts";

const SECRET = "console-test-secret-0123456789";
const T0 = 1_700_000_000_000;

describe("session codec", () => {
  it("round-trips a sealed session that reveals nothing readable", async () => {
    const codec = createSessionCodec([SECRET]);
    const { value, session } = await codec.issue({ name: "alice", epoch: "e1" }, T0);
    expect(value.split(".")).toHaveLength(5);
    expect(Buffer.from(value.split(".")[3] ?? "", "base64url").toString("latin1")).not.toContain("alice");
    expect(await codec.read(value, T0 + 1_000)).toEqual(session);
    expect(session.expiresAt).toBe(T0 + 12 * 3_600_000);
  });

  it("refuses tampered, foreign and expired cookies", async () => {
    const codec = createSessionCodec([SECRET]);
    const { value } = await codec.issue({ name: "alice", epoch: "e1" }, T0);
    const parts = value.split(".");
    parts[3] = `${parts[3]?.slice(0, -2) ?? ""}AA`;
    expect(await codec.read(parts.join("."), T0)).toBeNull();
    expect(await createSessionCodec(["another-secret-0123456789"]).read(value, T0)).toBeNull();
    expect(await codec.read(value, T0 + 13 * 3_600_000)).toBeNull();
    expect(await codec.read("garbage", T0)).toBeNull();
    expect(await codec.read(undefined, T0)).toBeNull();
  });

  it("reads sessions sealed under the previous secret during a rotation", async () => {
    const old = await createSessionCodec(["previous-secret-0123456789"]).issue({ name: "bob", epoch: "e" }, T0);
    expect((await createSessionCodec([SECRET, "previous-secret-0123456789"]).read(old.value, T0))?.name).toBe("bob");
  });

  it("binds the CSRF token to the session", async () => {
    const codec = createSessionCodec([SECRET]);
    const a = await codec.issue({ name: "alice", epoch: "e1" }, T0);
    const b = await codec.issue({ name: "alice", epoch: "e1" }, T0);
    expect(codec.csrfMatches(a.session, codec.csrfToken(a.session))).toBe(true);
    expect(codec.csrfMatches(a.session, codec.csrfToken(b.session))).toBe(false);
    expect(codec.csrfMatches(a.session, null)).toBe(false);
    expect(codec.cookieOptions(true)).toEqual({ httpOnly: true, sameSite: "lax", secure: true, path: "/", maxAge: 43_200 });
  });
});
