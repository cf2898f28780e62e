/** How the CLI speaks: one JSON document on stdout with --json, plain lines otherwise; reasons go to stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface Out { json: boolean; print(doc: unknown, text: string): void }

export function output(json: boolean): Out {
  return {
    json,
    print(doc, text) {
      process.stdout.write(json ? `${JSON.stringify(doc)}\n` : `${text}\n`);
    },
  };
}

/** A progress line on a TTY (redrawn in place), a plain line per change when piped. */
export function progress(tty: boolean) {
  let last = "";
  return {
    update(done: number, total: number, label: string) {
      const line = tty
        ? `${bar(done, total)} ${done}/${total} pages  ${label}`
        : `${done}/${total} pages ${label}`;
      if (line === last) return;
      last = line;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    end() {
      if (tty && last) process.stderr.write("\n");
    },
  };
}

function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
