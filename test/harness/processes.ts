/**
 * Process, port and temp-folder plumbing shared by the harness: every child process and temp folder
 * it creates is tracked so that it is cleaned up even when a test crashes or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const liveChildren = new Set<ChildProcess>();
const liveTempDirs = new Set<string>();
let exitHooksInstalled = false;

/** Kills whatever is still running when this process ends, however it ends. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    if (!process.env.HARNESS_KEEP_TEMP) for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    // Only when nobody else handles the signal: a handler here replaces Node's default "exit at once",
    // so we restore that behaviour after killing the children (the 'exit' hook does the rest).
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
  }
}

/** A fresh temp folder, removed by `removeTempDir` or when the process exits. */
export function makeTempDir(prefix: string): string {
  installExitHooks();
  const dir = mkdtempSync(path.join(os.tmpdir(), `rr-${prefix}-`));
  liveTempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  liveTempDirs.delete(dir);
  if (!process.env.HARNESS_KEEP_TEMP) rmSync(dir, { recursive: true, force: true });
}

/**
 * A port the OS says is free right now. Another process can take it before the caller binds it,
 * so callers that hand it to a child process retry on EADDRINUSE.
 */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS did not assign a port'))));
    });
  });
}

export interface TrackedProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`; resolves when it has ended. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns a process with stdout and stderr appended to `logFile`, tracked for exit cleanup. */
export function spawnTracked(command: string, args: string[], logFile: string, options: SpawnOptions = {}): TrackedProcess {
  installExitHooks();
  const logFd = openSync(logFile, 'a');
  const child = spawn(command, args, { ...options, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  liveChildren.add(child);
  let ended = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      liveChildren.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      ended = true;
      liveChildren.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  return {
    child,
    exited,
    hasExited: () => ended,
    async stop(graceMs = 5000) {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin (the way secrets reach a child). */
export function runCommand(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  installExitHooks();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    liveChildren.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      reject(new Error(`could not run ${command}: ${err.message}. ${missingToolHint(command)}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    // A command that exits without reading its stdin (git add) makes the write fail with EPIPE: its exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the command's stderr. */
export async function runChecked(command: string, args: string[], options: Parameters<typeof runCommand>[2] = {}): Promise<RunResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.find((arg) => !arg.startsWith('-')) ?? ''} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}

const REQUIRED_TOOLS: Record<string, string> = {
  '/usr/bin/docker-registry': 'docker-registry',
  '/usr/bin/skopeo': 'skopeo',
  '/usr/bin/htpasswd': 'apache2-utils',
  '/usr/bin/openssl': 'openssl',
};

function missingToolHint(command: string): string {
  return `The integration harness needs the Debian packages docker-registry, skopeo, apache2-utils and openssl (missing: ${command}); install them as .ci/run does: apt-get install -y --no-install-recommends docker-registry skopeo apache2-utils openssl`;
}

/** Fails with an actionable message when a tool the harness runs is not installed. */
export function assertToolsInstalled(): void {
  const missing = Object.entries(REQUIRED_TOOLS).filter(([binary]) => !existsSync(binary));
  if (missing.length > 0) {
    const packages = missing.map(([, pkg]) => pkg).join(' ');
    throw new Error(
      `missing ${missing.map(([binary]) => binary).join(', ')}: the integration harness runs a real registry and skopeo. ` +
        `Install them as .ci/run does: apt-get update && apt-get install -y --no-install-recommends ${packages}`,
    );
  }
}

/** Polls until `probe` resolves true, failing after `timeoutMs` with `what` and the last error. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One GET that resolves with the status code (any HTTP answer counts), trusting `caFile` for https. */
export function probeStatus(url: string, caFile?: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:'
      ? https.request(target, { method: 'GET', ca: caFile ? readFileSync(caFile) : undefined, timeout: timeoutMs, agent: false })
      : http.request(target, { method: 'GET', timeout: timeoutMs, agent: false });
    request.once('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.once('error', reject);
    request.end();
  });
}

export function readTail(file: string, maxChars = 2000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > maxChars ? `...${text.slice(-maxChars)}` : text;
  } catch {
    return '(no log)';
  }
}

/**
 * Runs `body` (ES module code, top-level await allowed) in a fresh Node process through tsx, with the
 * exports of the TypeScript module `file` as `module` (tsx may hand them under `default`). For what only
 * a fresh process shows: a warning Node gives once per process, a built-in module's first load.
 */
export function runWithModule(file: string, body: string, cwd: string): SpawnSyncReturns<string> {
  const load = `const loaded = await import(${JSON.stringify(file)}); const module = loaded.default && !Object.keys(loaded).some((name) => name !== 'default') ? loaded.default : loaded;`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${load}\n${body}`], { cwd, encoding: 'utf8' });
}
