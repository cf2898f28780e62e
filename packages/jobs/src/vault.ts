import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/**
 * Access tokens at rest: AES-256-GCM under a key derived from FANOUT_SECRET. A key ring (current first, then the
 * previous one) lets `fanout secrets rotate` re-seal every token while workers keep running. Each sealed value names
 * the key that sealed it: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url).
 */
export interface Vault {
  seal(plain: string): string;
  open(sealed: string): string;
  keyIdOf(sealed: string): string;
  currentKeyId: string;
}

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VaultError";
  }
}

interface RingKey { id: string; key: Buffer }

export function createVault(secrets: string[]): Vault {
  if (secrets.length === 0) throw new VaultError("no secret");
  const ring: RingKey[] = secrets.map((s) => ({
    id: createHash("sha256").update(`fanout-key-id:${s}`).digest("hex").slice(0, 8),
    key: Buffer.from(hkdfSync("sha256", s, "fanout", "fanout token vault v1", 32)),
  }));
  const [current] = ring;
  if (!current) throw new VaultError("no secret");
  return {
    currentKeyId: current.id,
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return ["v1", current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
    },
    open(sealed) {
      const parts = sealed.split(".");
      const [v, id, iv, tag, ct] = parts;
      if (parts.length !== 5 || v !== "v1" || !id || !iv || !tag || ct === undefined) throw new VaultError("not a sealed value");
      const k = ring.find((r) => r.id === id);
      if (!k) throw new VaultError(`sealed with unknown key ${id} (set FANOUT_SECRET_PREVIOUS?)`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", k.key, Buffer.from(iv, "base64url"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
      } catch (err) {
        throw new VaultError(`cannot open sealed value (key ${id}): ${(err as Error).message}`);
      }
    },
    keyIdOf(sealed) {
      return sealed.split(".")[1] ?? "";
    },
  };
}
