/** What a command may touch of the outside world; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
  now(): Date;
  /** Someone at a terminal can answer a question (stdin and stderr are TTYs). */
  readonly interactive: boolean;
  /** Asks on stderr and returns the answer line; only when `interactive`. */
  ask(question: string): Promise<string>;
  /** The working folder, where the config is looked for. */
  readonly cwd: string;
}

/** Exit codes: 0 done, 1 an operation failed, 2 bad usage or input, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A failure the user caused or can fix; its message is printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function processIo(): Io {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    color,
    env: process.env,
    now: () => new Date(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    ask: async (question) => {
      const { createInterface } = await import('readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    cwd: process.cwd(),
  };
}

const paint = (code: number) => (io: Io, text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const bold = paint(1);
