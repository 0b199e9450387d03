/**
 * The `docker-credential-<name>` helper protocol (docker/docker-credential-helpers): the action is
 * the only argument; the server URL or the credentials JSON goes on stdin, so a secret never appears
 * in a process list. Every call has a timeout, so a helper waiting on a keychain prompt cannot hang us.
 */
import { spawn } from 'node:child_process';
import { redact, registerSecret } from '../../log/logger';
import type { Credentials } from '../types';
import { CredentialSourceError } from './types';

/** The username a credential helper reports when the secret is an identity token (docker/cli `tokenUsername`). */
export const IDENTITY_TOKEN_USERNAME = '<token>';

export const DEFAULT_HELPER_TIMEOUT_MS = 15_000;
const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024;
/** What helpers print when they hold nothing for a server (the protocol's `ErrCredentialsNotFound`). */
const NOT_FOUND = /credentials not found/i;

export interface HelperOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Where the helper was configured, for messages (`credsStore in /home/me/.docker/config.json`). */
  configuredIn: string;
}

interface HelperRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function helperProgram(name: string): string {
  return `docker-credential-${name}`;
}

function checkHelperName(name: string, options: HelperOptions): void {
  // The name comes from a config file and becomes a program name: refuse anything path-like.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new CredentialSourceError('docker-config', `the credential helper name "${name}" (${options.configuredIn}) is not a valid helper name; fix the Docker config`);
  }
}

function runHelper(name: string, action: 'get' | 'store' | 'erase' | 'list', input: string, options: HelperOptions): Promise<HelperRun> {
  checkHelperName(name, options);
  const program = helperProgram(name);
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new CredentialSourceError(
            'docker-config',
            `${program} ${action} did not answer within ${options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)} s` : `${options.timeoutMs} ms`} (${options.configuredIn}); it may be waiting for a keychain unlock — unlock it, or remove the helper from the Docker config`,
          ),
        ),
      );
    }, options.timeoutMs);
    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        finish(() => reject(new CredentialSourceError('docker-config', `${program} ${action} printed more than 1 MiB; check the helper (${options.configuredIn})`)));
        return;
      }
      chunks.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT'
          ? `${program} is not installed or not on PATH (${options.configuredIn}); install it, or remove it from the Docker config`
          : `${program} could not be started (${err.message}); check the helper (${options.configuredIn})`;
      finish(() => reject(new CredentialSourceError('docker-config', why)));
    });
    child.on('close', (code, signal) => {
      finish(() =>
        resolve({
          exitCode: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        }),
      );
    });
    // A helper that exits without reading stdin makes the write fail with EPIPE: the exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function failure(name: string, action: string, run: HelperRun, options: HelperOptions): CredentialSourceError {
  const said = redact((run.stderr.trim() || run.stdout.trim()).split('\n')[0] ?? '').slice(0, 300);
  return new CredentialSourceError(
    'docker-config',
    `${helperProgram(name)} ${action} failed (exit ${run.exitCode}${said ? `: ${said}` : ''}); check the helper (${options.configuredIn})`,
  );
}

/** `get`: the credentials stored for a server URL, or undefined when the helper has none. */
export async function helperGet(name: string, serverUrl: string, options: HelperOptions): Promise<Credentials | undefined> {
  const run = await runHelper(name, 'get', serverUrl, options);
  if (run.exitCode !== 0) {
    if (NOT_FOUND.test(run.stdout) || NOT_FOUND.test(run.stderr)) return undefined;
    throw failure(name, 'get', run, options);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new CredentialSourceError('docker-config', `${helperProgram(name)} get answered something that is not JSON; check the helper (${options.configuredIn})`);
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const secret = typeof record.Secret === 'string' ? record.Secret : '';
  const username = typeof record.Username === 'string' ? record.Username : '';
  if (secret === '') return undefined;
  registerSecret(secret);
  // Docker's convention: the username `<token>` marks the secret as an identity (refresh) token.
  if (username === IDENTITY_TOKEN_USERNAME) return { username, secret, identityToken: secret, origin: 'docker-credential-helper' };
  return { username, secret, origin: 'docker-credential-helper' };
}

/** `store`: the credentials go on stdin as `{ServerURL, Username, Secret}`. */
export async function helperStore(name: string, serverUrl: string, credentials: Credentials, options: HelperOptions): Promise<void> {
  const payload = JSON.stringify({ ServerURL: serverUrl, Username: credentials.username, Secret: credentials.secret });
  const run = await runHelper(name, 'store', payload, options);
  if (run.exitCode !== 0) throw failure(name, 'store', run, options);
}

/** `erase`: true when something was erased, false when the helper held nothing for the server. */
export async function helperErase(name: string, serverUrl: string, options: HelperOptions): Promise<boolean> {
  const run = await runHelper(name, 'erase', serverUrl, options);
  if (run.exitCode === 0) return true;
  if (NOT_FOUND.test(run.stdout) || NOT_FOUND.test(run.stderr)) return false;
  throw failure(name, 'erase', run, options);
}

/** `list`: server URL → username. */
export async function helperList(name: string, options: HelperOptions): Promise<Record<string, string>> {
  const run = await runHelper(name, 'list', '', options);
  if (run.exitCode !== 0) throw failure(name, 'list', run, options);
  try {
    const parsed: unknown = JSON.parse(run.stdout || '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([url, user]) => [url, typeof user === 'string' ? user : '']));
  } catch {
    throw new CredentialSourceError('docker-config', `${helperProgram(name)} list answered something that is not JSON; check the helper (${options.configuredIn})`);
  }
}
