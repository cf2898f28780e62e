/** The CLI's own view of the environment (the engine reads the rest through @fanout/jobs/env). */
export const cliEnv = {
  simnetUrl: process.env.SIMNET_URL ?? "http://127.0.0.1:4010",
  isTty: Boolean(process.stderr.isTTY),
  /** Who ran the command, for the audit log. */
  user: process.env.USER ?? process.env.LOGNAME ?? "cli",
};
