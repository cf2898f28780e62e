import { z } from "zod";

const Env = z.object({
  SIMNET_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  SIMNET_SEED: z.coerce.number().int().default(1),
  SIMNET_HOST: z.string().min(1).default("127.0.0.1"),
});

export type SimnetEnv = z.infer<typeof Env>;

/** The only place simnet reads the environment; a bad value stops the process before it listens. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): SimnetEnv {
  const parsed = Env.safeParse({
    SIMNET_PORT: source.SIMNET_PORT === "" ? undefined : source.SIMNET_PORT,
    SIMNET_SEED: source.SIMNET_SEED === "" ? undefined : source.SIMNET_SEED,
    SIMNET_HOST: source.SIMNET_HOST === "" ? undefined : source.SIMNET_HOST,
  });
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; "), { cause: parsed.error });
  }
  return parsed.data;
}
