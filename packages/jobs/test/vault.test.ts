import { describe, expect, it } from "vitest";
import { createVault, VaultError } from "../src/vault.ts";

describe("vault", () => {
  const secret = "a-long-enough-secret-for-tests-0001";
  it("round-trips and never stores the plain token", () => {
    const v = createVault([secret]);
    const sealed = v.seal("tok-SECRET-123");
    expect(sealed).not.toContain("tok-SECRET-123");
    expect(v.open(sealed)).toBe("tok-SECRET-123");
    expect(v.keyIdOf(sealed)).toBe(v.currentKeyId);
  });
  it("opens values sealed under the previous key during a rotation", () => {
    const old = createVault(["previous-secret-of-sixteen+"]);
    const sealed = old.seal("t");
    expect(createVault([secret, "previous-secret-of-sixteen+"]).open(sealed)).toBe("t");
    expect(() => createVault([secret]).open(sealed)).toThrow(VaultError);
  });
  it("refuses tampered ciphertext", () => {
    const v = createVault([secret]);
    const parts = v.seal("token").split(".");
    parts[4] = Buffer.from("other").toString("base64url");
    expect(() => v.open(parts.join("."))).toThrow(/cannot open/);
  });
});
