import { writeSync } from 'node:fs';
import { redact } from '../log/logger';

/** Where a command prints: the process's stdout or stderr (processIO), or a test's stream. */
export interface CliOutput {
  write(chunk: string): unknown;
}

/** What a CLI command may touch: streams, environment and working folder, injectable for tests. */
export interface CliIO {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's streams; stdin is looked at only by a command that reads it (opening it loads Node's stream classes). */
export function processIO(): CliIO {
  return {
    stdout: processOutput(1),
    stderr: processOutput(2),
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Each descriptor's writer, made once: what was handed to Node's stream stays in order behind it. */
const outputs = new Map<1 | 2, DescriptorOutput>();

function processOutput(fd: 1 | 2): DescriptorOutput {
  let output = outputs.get(fd);
  // Windows: Node's own streams from the start (its console takes UTF-16, its pipes are written asynchronously).
  if (!output) outputs.set(fd, (output = new DescriptorOutput(fd, process.platform === 'win32' ? undefined : writeSync, () => nodeStream(fd))));
  return output;
}

/** Whether something the CLI printed is still queued for stdout or stderr. */
export function outputPending(): boolean {
  for (const output of outputs.values()) if (output.pending) return true;
  return false;
}

/** process.stdout or process.stderr (created by this first use). */
function nodeStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  // `replicated-registries lint | head`: the reader leaves before everything is written. Like other
  // command-line tools, stop writing without a stack trace (Node's default for the unhandled EPIPE) and
  // end with the command's own exit code. Any other error is still thrown.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
  return stream;
}

/**
 * Linux and macOS: the descriptor written at once with fs.writeSync (`writeBytes`), as Node itself writes
 * files and, there, terminals and pipes (process.stdout is synchronous for them), without creating
 * process.stdout or process.stderr: the first of them loads 37 of Node's modules (the whole stream stack),
 * 6–9 ms of every `lint` on the benchmark machine, for a command that prints one document at its end
 * (issue 12). A descriptor that cannot be written synchronously (EAGAIN: left non-blocking by whoever
 * opened it) gets the rest through Node's stream (`open`), in order, as does everything without
 * `writeBytes`. The reader gone (EPIPE, `lint | head`): nothing more is written, quietly, as nodeStream does.
 */
export class DescriptorOutput implements CliOutput {
  private stream: NodeJS.WriteStream | undefined;
  private readerGone = false;

  constructor(
    private readonly fd: number,
    private readonly writeBytes: ((fd: number, bytes: Uint8Array, offset: number, length: number) => number) | undefined,
    private readonly open: () => NodeJS.WriteStream,
  ) {}

  write(chunk: string): unknown {
    if (this.readerGone) return true;
    if (this.stream || !this.writeBytes) return (this.stream ??= this.open()).write(chunk);
    const bytes = Buffer.from(chunk, 'utf8');
    for (let offset = 0; offset < bytes.length; ) {
      try {
        offset += this.writeBytes(this.fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.readerGone = true;
          return true;
        }
        if (code !== 'EAGAIN') throw error;
        this.stream = this.open();
        return this.stream.write(bytes.subarray(offset));
      }
    }
    return true;
  }

  /** Whether something written is still queued (only ever in Node's stream). */
  get pending(): boolean {
    return this.stream !== undefined && this.stream.writableLength > 0;
  }
}

/** The same streams, redacting every known secret and URL password on the way out. */
export function redactingIO(io: CliIO): CliIO {
  return {
    stdout: { write: (chunk: string) => io.stdout.write(redact(chunk)) },
    stderr: { write: (chunk: string) => io.stderr.write(redact(chunk)) },
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
