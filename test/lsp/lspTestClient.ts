/**
 * A real LSP client for the language-server tests: spawns the bundled server (`node server.js --stdio`)
 * and talks to it through `vscode-languageserver-protocol`. Diagnostics are awaited on the
 * `publishDiagnostics` notifications with a deadline, never with sleeps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DiagnosticRefreshRequest,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  UnregistrationRequest,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
  type Position,
  type PublishDiagnosticsParams,
  type WorkspaceFolder,
} from 'vscode-languageserver-protocol';
import {
  AllowInsecureConnectionRequest,
  GetCredentialsRequest,
  GetPortalConnectionRequest,
  type AllowInsecureConnectionParams,
  type CredentialsParams,
  type CredentialsResult,
  type PortalConnection,
} from '../../server/src/protocol/messages';
import { SERVER_NODE_FLAGS } from '../../server/src/protocol/serverProcess';

const repoRoot = path.resolve(__dirname, '..', '..');

let bundledServer: Promise<string> | undefined;

/**
 * The Node flags the server runs with: the extension's (SERVER_NODE_FLAGS), or `REPLICATED_LSP_NODE_FLAGS`
 * when set (space-separated; empty for none), so a benchmark can run a build as it was started before.
 */
export function serverNodeFlags(): string[] {
  const fromEnv = process.env.REPLICATED_LSP_NODE_FLAGS;
  if (fromEnv !== undefined) return fromEnv.split(' ').filter((flag) => flag !== '');
  return [...SERVER_NODE_FLAGS];
}

/**
 * The server bundle under test: `REPLICATED_LSP_SERVER` when set (e.g. `dist/server.js` after
 * `node scripts/build.mjs`), else a fresh esbuild bundle of server/src/server.ts in a temp folder,
 * built the same way as dist/server.js, so a single test file never runs against a stale build.
 */
export function serverBundle(): Promise<string> {
  const fromEnv = process.env.REPLICATED_LSP_SERVER;
  if (fromEnv) return Promise.resolve(path.resolve(fromEnv));
  bundledServer ??= (async () => {
    const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-')), 'server.js');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'server/src/server.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'inline',
      logLevel: 'error',
      absWorkingDir: repoRoot,
    });
    return outfile;
  })();
  return bundledServer;
}

let bundledCli: Promise<string> | undefined;

/**
 * The CLI bundle (dist/cli.js equivalent), for `replicated-registries lsp --stdio`, with the language
 * server's bundle beside it as in dist/ (the CLI's `lsp` runs that one).
 */
export function cliBundle(): Promise<string> {
  bundledCli ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
    const outfile = path.join(dir, 'cli.js');
    const [server] = await Promise.all([
      serverBundle(),
      esbuild.build({ entryPoints: [path.join(repoRoot, 'server/src/cli.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', absWorkingDir: repoRoot }),
    ]);
    // The server bundle the other LSP tests run, not a second build of it.
    copyFileSync(server, path.join(dir, 'server.js'));
    return outfile;
  })();
  return bundledCli;
}

export interface StartOptions {
  workspaceFolders?: WorkspaceFolder[];
  rootPath?: string;
  initializationOptions?: Record<string, unknown>;
  /** Answers `workspace/configuration` per section (`replicated-registries`, `http`). */
  settings?: Record<string, unknown>;
  /** Answers GetCredentialsRequest; when set, the client advertises `credentialsProvider`. */
  credentials?: (params: CredentialsParams) => CredentialsResult | null;
  /** Answers AllowInsecureConnectionRequest as VS Code does (the user's remembered choice); when set, the client advertises `insecureConsentProvider`. */
  insecureConsent?: (params: AllowInsecureConnectionParams) => boolean;
  /** Answers GetPortalConnectionRequest; when set, the client advertises `portalConnectionProvider`. */
  portal?: () => PortalConnection | null;
  /** Start with this command instead of `node <bundle> --stdio`. */
  command?: { file: string; args: string[] };
  env?: NodeJS.ProcessEnv;
  /** Offer LSP 3.17 pull diagnostics (`textDocument/diagnostic`, with `workspace/diagnostic/refresh`) as VS Code does. */
  pullDiagnostics?: boolean;
  /**
   * Keep every byte the server writes to stdout (`serverOutput`), for tests that scan it for secrets. Off
   * otherwise, as in a real client: kept, the 370 KB a keystroke publishes on the 4.3 MB benchmark file
   * were copied by this (measuring) process's young-generation GC, 13–20 ms pauses that made every ninth
   * edit of the benchmark look twice as slow.
   */
  recordServerOutput?: boolean;
}

export interface DiagnosticsWait {
  uri: string;
  /** Satisfied by the first notification for `uri` (after the call) for which this returns true. */
  until?: (diagnostics: Diagnostic[]) => boolean;
  timeoutMs?: number;
}

export class LspTestClient {
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  /** Every byte the server wrote to its stdout (responses, notifications, logs) when `recordServerOutput` is set. */
  readonly serverOutput: string[] = [];
  readonly credentialRequests: CredentialsParams[] = [];
  readonly insecureConsentRequests: AllowInsecureConnectionParams[] = [];
  /** How many times the server asked for the vendor-portal connection. */
  portalRequests = 0;
  readonly registrations: string[] = [];
  readonly customNotifications: { method: string; params: unknown }[] = [];
  /** Latest diagnostics per URI. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** publishDiagnostics notifications received per URI. */
  readonly publishCounts = new Map<string, number>();
  /** `workspace/diagnostic/refresh` requests received (pull diagnostics). */
  refreshRequests = 0;
  private readonly refreshWaiters = new Set<() => void>();
  private readonly waiters = new Set<{ uri: string; check: (d: Diagnostic[], version?: number) => boolean; resolve: (d: Diagnostic[]) => void }>();
  private readonly notificationWaiters = new Set<{ method: string; resolve: (params: unknown) => void }>();
  private readonly versions = new Map<string, number>();
  private exited = false;
  readonly exitPromise: Promise<number | null>;
  initializeResult!: InitializeResult;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    private readonly options: StartOptions,
  ) {
    this.exitPromise = new Promise((resolve) => process.on('exit', (code) => {
      this.exited = true;
      resolve(code);
    }));
    process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    if (options.recordServerOutput) process.stdout.on('data', (chunk: Buffer) => this.serverOutput.push(chunk.toString('utf8')));
    connection.onNotification(PublishDiagnosticsNotification.type, (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.publishCounts.set(params.uri, (this.publishCounts.get(params.uri) ?? 0) + 1);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.check(params.diagnostics, params.version)) {
          this.waiters.delete(waiter);
          waiter.resolve(params.diagnostics);
        }
      }
    });
    connection.onNotification(LogMessageNotification.type, (params) => this.logs.push(params.message));
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section ? (options.settings?.[item.section] ?? null) : null)),
    );
    connection.onRequest(RegistrationRequest.type, (params) => {
      for (const r of params.registrations) this.registrations.push(r.method);
    });
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshRequests++;
      for (const resolve of [...this.refreshWaiters]) resolve();
      this.refreshWaiters.clear();
    });
    connection.onRequest(GetCredentialsRequest, (params) => {
      this.credentialRequests.push(params);
      return options.credentials ? options.credentials(params) : null;
    });
    connection.onRequest(AllowInsecureConnectionRequest, (params) => {
      this.insecureConsentRequests.push(params);
      return { allowed: options.insecureConsent ? options.insecureConsent(params) : false };
    });
    connection.onRequest(GetPortalConnectionRequest, () => {
      this.portalRequests++;
      return options.portal ? options.portal() : null;
    });
    connection.onUnhandledNotification((message) => {
      const { method, params } = message;
      this.customNotifications.push({ method, params });
      for (const waiter of [...this.notificationWaiters]) {
        if (waiter.method === method) {
          this.notificationWaiters.delete(waiter);
          waiter.resolve(params);
        }
      }
    });
  }

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const command = options.command ?? { file: process.execPath, args: [...serverNodeFlags(), await serverBundle(), '--stdio'] };
    const child = spawn(command.file, command.args, { stdio: 'pipe', env: { ...process.env, ...options.env } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection, options);
    connection.listen();
    const rootUri = options.rootPath ? pathToFileURL(options.rootPath).href : null;
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: options.workspaceFolders ?? (options.rootPath ? [{ uri: rootUri!, name: path.basename(options.rootPath) }] : null),
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceFolders: true,
          ...(options.pullDiagnostics ? { diagnostics: { refreshSupport: true } } : {}),
        },
        textDocument: {
          ...(options.pullDiagnostics ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, dataSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: false } },
          synchronization: { didSave: true },
        },
      },
      initializationOptions: {
        diagnosticsDelayMs: 20,
        credentialsProvider: options.credentials !== undefined,
        portalConnectionProvider: options.portal !== undefined,
        insecureConsentProvider: options.insecureConsent !== undefined,
        ...options.initializationOptions,
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Waits for a publishDiagnostics for `uri` matching `until` (default: any), with a deadline. */
  waitForDiagnostics({ uri, until = () => true, timeoutMs = 10_000 }: DiagnosticsWait): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const waiter = {
        uri,
        check: until,
        resolve: (d: Diagnostic[]) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const last = this.diagnostics.get(uri);
        const summary = last ? last.map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.code)}`).slice(0, 20).join(', ') : 'none';
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${summary}\nserver log (tail):\n${this.logs.slice(-20).join('\n')}\n${this.stderr.join('').slice(-2000)}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits for the diagnostics published for exactly this document version. */
  waitForVersion(uri: string, version: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const waiter = {
        uri,
        check: (_d: Diagnostic[], published?: number) => published === version,
        resolve: (d: Diagnostic[]) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no diagnostics for version ${version} of ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Pulls the diagnostics of `uri` (LSP 3.17 `textDocument/diagnostic`), passing the last result id as VS Code does. */
  pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, ...(previousResultId !== undefined ? { previousResultId } : {}) });
  }

  /** Resolves on the next `workspace/diagnostic/refresh` request (after the call), with a deadline. */
  waitForRefresh(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.refreshWaiters.delete(waiter);
        reject(new Error(`no workspace/diagnostic/refresh within ${timeoutMs} ms`));
      }, timeoutMs);
      this.refreshWaiters.add(waiter);
    });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  /** The version the next change() / edit() of `uri` will send. */
  nextVersion(uri: string): number {
    return (this.versions.get(uri) ?? 1) + 1;
  }

  /** Waits until a custom notification with `method` arrives (or has arrived at index `afterIndex` or later). */
  waitForNotification(method: string, afterIndex = 0, timeoutMs = 10_000): Promise<unknown> {
    const earlier = this.customNotifications.slice(afterIndex).find((n) => n.method === method);
    if (earlier) return Promise.resolve(earlier.params);
    return new Promise((resolve, reject) => {
      const waiter = {
        method,
        resolve: (params: unknown) => {
          clearTimeout(timer);
          resolve(params);
        },
      };
      const timer = setTimeout(() => {
        this.notificationWaiters.delete(waiter);
        reject(new Error(`no ${method} notification within ${timeoutMs} ms`));
      }, timeoutMs);
      this.notificationWaiters.add(waiter);
    });
  }

  /** Polls `condition` every 20 ms until it holds, failing after the deadline. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver log (tail):\n${this.logs.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (full sync). */
  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Incremental change of one range. */
  async edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  async save(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  /** shutdown + exit; resolves with the server's exit code. Kills it if it does not exit within the deadline. */
  async stop(timeoutMs = 5_000): Promise<number | null> {
    if (!this.exited) {
      try {
        await Promise.race([
          this.connection.sendRequest(ShutdownRequest.type),
          new Promise((_, reject) => setTimeout(() => reject(new Error('shutdown timed out')), timeoutMs)),
        ]);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        this.process.kill();
      }
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const code = await this.exitPromise;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}

export { existsSync };
