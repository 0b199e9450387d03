import { redact } from '../log/logger';

/** What a CLI command may touch: streams, environment and working folder, injectable for tests. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's streams; stdin is looked at only by a command that reads it (opening it loads Node's stream classes). */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** `stream` with every string written to it passed through redact() first (synchronously, in order). */
function redactingStream<T extends NodeJS.WritableStream>(stream: T): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => (target.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The same streams, redacting every known secret and URL password on the way out. */
export function redactingIO(io: CliIO): CliIO {
  return {
    stdout: redactingStream(io.stdout),
    stderr: redactingStream(io.stderr),
    get stdin() {
      return io.stdin;
    },
    env: io.env,
    cwd: io.cwd,
  };
}

/** Exit codes shared by every command. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage or configuration error: printed as one line on stderr, exit 2. */
export class UsageError extends Error {}
