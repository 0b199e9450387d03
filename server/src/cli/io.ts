/** What a CLI command may touch: streams, environment and working folder, injectable for tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** Exit codes shared by every command. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage or configuration error: printed as one line on stderr, exit 2. */
export class UsageError extends Error {}
