/**
 * Secrets on the command line: read from stdin (a masked prompt on a terminal), never echoed; a secret
 * given as a flag value works but warns that it leaks into shell history. Every secret read is
 * registered for redaction before anything else happens with it.
 */
import { registerSecret } from '../log/logger';
import type { Credentials } from '../registry/types';
import { UsageError, type CliIO } from './io';

const DEFAULT_STDIN_TIMEOUT_MS = 10_000;
const MAX_STDIN_BYTES = 1024 * 1024;

/**
 * Reads all of stdin and trims it. On a terminal: a prompt with echo off. Otherwise stdin must
 * deliver and close: empty or closed stdin fails at once, and a pipe nobody writes to fails after
 * a timeout (REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS, default 10 s) instead of hanging a CI job.
 */
export async function readSecretFromStdin(io: CliIO, flag: string, what: string): Promise<string> {
  if (io.stdin.isTTY) {
    const value = (await promptHidden(io, `${what}: `)).trim();
    if (value === '') throw new UsageError(`${flag}: nothing was entered; type the ${what.toLowerCase()} at the prompt`);
    return value;
  }
  const timeoutMs = Number(io.env.REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS) > 0 ? Number(io.env.REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS) : DEFAULT_STDIN_TIMEOUT_MS;
  const raw = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stdin = io.stdin;
    const cleanup = (): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      stdin.pause();
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > MAX_STDIN_BYTES) {
        cleanup();
        reject(new UsageError(`${flag}: more than 1 MiB arrived on stdin; pipe only the ${what.toLowerCase()}`));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new UsageError(`${flag}: stdin could not be read (${err.message}); pipe the ${what.toLowerCase()} in`));
    };
    const timer = setTimeout(() => {
      cleanup();
      if ('destroy' in stdin && typeof stdin.destroy === 'function') (stdin.destroy as () => void)();
      reject(
        new UsageError(
          `${flag}: stdin is not a terminal and nothing arrived within ${Math.round(timeoutMs / 1000)} s; pipe the ${what.toLowerCase()} in and close stdin, e.g. printf '%s' "$SECRET" | replicated-registries registry add ... ${flag}`,
        ),
      );
    }, timeoutMs);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
  const value = raw.trim();
  if (value === '') {
    throw new UsageError(`${flag}: stdin is empty (it is not a terminal, so there is no prompt); pipe the ${what.toLowerCase()} in, e.g. printf '%s' "$SECRET" | replicated-registries registry add ... ${flag}`);
  }
  return value;
}

interface RawModeStream {
  setRawMode(mode: boolean): unknown;
}

function hasRawMode(stream: unknown): stream is RawModeStream {
  return typeof stream === 'object' && stream !== null && typeof (stream as Partial<RawModeStream>).setRawMode === 'function';
}

/** A one-line prompt on stderr with echo off (raw mode): Enter ends, Backspace erases, Ctrl-C cancels. */
export function promptHidden(io: CliIO, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (!hasRawMode(stdin)) return Promise.reject(new UsageError('the terminal cannot hide input; use a --*-stdin flag with a pipe instead'));
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (outcome: () => void): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done(() => resolve(value));
          return;
        }
        if (ch === '\u0003') {
          done(() => reject(new UsageError('cancelled at the prompt; nothing was saved')));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

export interface SecretFlags {
  value: string | undefined;
  valueFlag: string;
  stdin: boolean | undefined;
  stdinFlag: string;
  what: string;
}

export async function obtainSecret(io: CliIO, spec: SecretFlags): Promise<{ secret: string; via: Credentials['origin'] }> {
  if (spec.value !== undefined && spec.stdin) throw new UsageError(`give either --${spec.valueFlag} or --${spec.stdinFlag}, not both`);
  if (spec.value !== undefined) {
    if (spec.value.trim() === '') throw new UsageError(`--${spec.valueFlag} is empty`);
    registerSecret(spec.value);
    io.stderr.write(`warning: --${spec.valueFlag} on the command line can leak into shell history and process lists; use --${spec.stdinFlag} instead\n`);
    return { secret: spec.value, via: undefined };
  }
  if (spec.stdin) {
    const secret = await readSecretFromStdin(io, `--${spec.stdinFlag}`, spec.what);
    registerSecret(secret);
    return { secret, via: io.stdin.isTTY ? 'prompt' : 'stdin' };
  }
  if (io.stdin.isTTY) {
    const secret = await readSecretFromStdin(io, `--${spec.stdinFlag}`, spec.what);
    registerSecret(secret);
    return { secret, via: 'prompt' };
  }
  throw new UsageError(`the ${spec.what.toLowerCase()} is missing: pipe it in with --${spec.stdinFlag} (or give --${spec.valueFlag}, which leaks into shell history)`);
}
