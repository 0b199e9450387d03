/**
 * A real VS Code (code-server, VS Code for the browser) for the end-to-end tests: installed by
 * scripts/e2e-setup.mjs under .cache/e2e, started on 127.0.0.1 with a fresh user-data folder and
 * extensions folder per run, the packaged extension installed into it. Everything it starts runs
 * in one process group, killed as a whole on stop and when this process exits however it exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { probeStatus, readTail, waitUntil } from '../../harness/processes';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** What scripts/e2e-setup.mjs prints. */
export interface E2eTools {
  nodeDir: string;
  nodeBin: string;
  codeServerBin: string;
  codeServerVersion: string;
  chromium: string | null;
  installedNow: boolean;
  seconds: number;
}

interface SetupModule {
  setupE2e(): E2eTools;
}

/**
 * Installs (first time, minutes) or checks (afterwards, about a second) code-server and its Node 24.
 * Runs in-process so a fresh CI machine installs them from the test's own `before` hook.
 */
export async function ensureE2eTools(): Promise<E2eTools> {
  const setupModule = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'e2e-setup.mjs')).href)) as SetupModule;
  return setupModule.setupE2e();
}

/** Every process group this module started, killed when the test process exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const group of liveGroups) killGroup(group, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export interface CodeServerOptions {
  tools: E2eTools;
  /** Per-run folder (user data, extensions, logs, home) — created if missing. */
  runDir: string;
  /** The workspace folder to open. */
  workspaceDir: string;
  /** Written to the user settings.json before the first start. */
  userSettings: Record<string, unknown>;
  /** VSIX files to install before starting. */
  vsixFiles: string[];
  /** Extra environment for code-server and the extension host (never secrets on argv). */
  env?: NodeJS.ProcessEnv;
  /** Fixed port (the launcher); tests leave it out and let the OS choose. */
  port?: number;
}

export interface RunningCodeServer {
  /** The URL that opens the workspace, e.g. http://127.0.0.1:41234/?folder=/tmp/ws */
  workspaceUrl: string;
  baseUrl: string;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Kills code-server, its extension host and language server (the whole process group). */
  stop(): Promise<void>;
}

function codeServerEnv(options: CodeServerOptions): NodeJS.ProcessEnv {
  const home = path.join(options.runDir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    ...options.env,
    // Node 24 first: code-server refuses to run on older ones.
    PATH: `${path.join(options.tools.nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    // A private home: no real ~/.docker/config.json, ~/.config/code-server or keychain leaks into a test.
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  };
}

/** `code-server --install-extension` for each VSIX into the run's extensions folder. */
function installExtensions(options: CodeServerOptions, userDataDir: string, extensionsDir: string): void {
  for (const vsix of options.vsixFiles) {
    const result = spawnSync(
      options.tools.nodeBin,
      [options.tools.codeServerBin, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
      { encoding: 'utf8', env: codeServerEnv(options), timeout: 120_000 },
    );
    if (result.status !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
      throw new Error(
        `code-server could not install ${vsix} (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim()}. ` +
          'Rebuild the VSIX with `npm run package` and check that package.json is a valid extension manifest.',
      );
    }
  }
}

const LISTENING_LINE = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\/?/;

/** Starts code-server and resolves once it answers HTTP. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const userDataDir = path.join(options.runDir, 'user-data');
  const extensionsDir = path.join(options.runDir, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(options.userSettings, null, 2));
  installExtensions(options, userDataDir, extensionsDir);

  const logFile = path.join(options.runDir, 'code-server.log');
  const configFile = path.join(options.runDir, 'code-server-config.yaml');
  // Its own config file, so code-server never writes one (with a generated password) into a real home.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  // The log is appended to (npm start keeps its demo folder, log included, between runs): only the lines
  // this start writes say where it listens — an earlier run's "listening on" line names a port now closed.
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const logFd = openSync(logFile, 'a');
  const args = [
    options.tools.codeServerBin,
    '--config', configFile,
    '--auth', 'none',
    // Workspace Trust off unless the test turns it on (the Restricted Mode scenario): the flag would trust every folder.
    ...(options.userSettings['security.workspace.trust.enabled'] === true ? [] : ['--disable-workspace-trust']),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    // Port 0: the OS picks a free port and code-server logs which one, so parallel runs never collide.
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    '--log', 'debug',
    options.workspaceDir,
  ];
  const child: ChildProcess = spawn(options.tools.nodeBin, args, {
    env: codeServerEnv(options),
    stdio: ['ignore', logFd, logFd],
    // Its own process group, so one kill reaches the extension host and the language server too.
    detached: true,
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start code-server (${options.tools.codeServerBin}); run \`node scripts/e2e-setup.mjs\` to reinstall it.`);
  trackGroup(pid);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (!liveGroups.has(pid)) return;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
    // The extension host and language server may outlive the main process briefly: end the group.
    killGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  };

  try {
    let baseUrl = '';
    await waitUntil('code-server to log its listening address', () => {
      if (exited) throw new Error(`code-server exited early: ${readTail(logFile)}`);
      const match = LISTENING_LINE.exec(existsSync(logFile) ? readFileSync(logFile).subarray(logStart).toString('utf8') : '');
      if (match?.[1]) baseUrl = match[1];
      return Promise.resolve(baseUrl !== '');
    }, 60_000, 100);
    await waitUntil('code-server to answer /healthz', async () => (await probeStatus(`${baseUrl}/healthz`)) === 200, 30_000, 100);
    const workspaceUrl = `${baseUrl}/?folder=${encodeURIComponent(options.workspaceDir)}`;
    return { workspaceUrl, baseUrl, pid, userDataDir, extensionsDir, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
