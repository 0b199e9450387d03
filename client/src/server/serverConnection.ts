/**
 * The extension's one door to the engine: the language client for the bundled server (`dist/server.js`
 * over stdio), started on first need and restarted one operation at a time. Every engine question is an
 * LSP request sent with `send` (its type picked from the protocol module, which arrives with the lazily
 * loaded language client), and the server's questions — credentials, consent to insecure options, the
 * vendor-portal connection — are answered here from the extension's own secrets.
 *
 * Client-lifetime disposables (request/notification handlers) live in `clientDisposables` and go with
 * each client; extension-lifetime ones (status item, emitters) live on this object.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestType } from 'vscode-languageserver-protocol';
import type { AllowInsecureConnectionParams, CredentialsParams, CredentialsResult, PortalConnection, ServerStatusParams } from '../../../server/src/protocol/messages';
import type { WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageserver-protocol';
import { errorMessage, type ClientLogger } from '../log';
import { loadLanguageClient, type Protocol } from './loadLanguageClient';

export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

/** Languages whose documents the server analyzes (Compose files get their own language id in VS Code). */
export const ANALYZED_LANGUAGES = ['yaml', 'dockercompose', 'helm'] as const;

/** What the extension answers when the server asks. */
export interface ServerQuestions {
  credentials(params: CredentialsParams): Promise<CredentialsResult | null>;
  /** Answers at once; `onAllowed` runs if the user allows later. */
  allowInsecure(params: AllowInsecureConnectionParams, onAllowed: () => void): boolean;
  portalConnection(): Promise<PortalConnection | null>;
}

const SERVER_STATUS_TEXT: Record<ServerStatusParams['state'], string> = {
  idle: 'Registries: ready',
  checking: 'Registries: checking…',
  offline: 'Registries: offline',
  error: 'Registries: error',
};

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientDisposables: vscode.Disposable[] = [];
  private state: ServerState = 'stopped';
  /** Start, stop and restart run one after another, in call order. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly registriesChangedEmitter = new vscode.EventEmitter<void>();
  /** The server says the registries (a file, the portal, their statuses) changed. */
  readonly onDidChangeRegistries = this.registriesChangedEmitter.event;
  private readonly releaseImagesChangedEmitter = new vscode.EventEmitter<void>();
  /** The server says the release's images changed (a HelmChart, a chart or a Config was edited). */
  readonly onDidChangeReleaseImages = this.releaseImagesChangedEmitter.event;
  private readonly statusItem: vscode.LanguageStatusItem;

  constructor(
    private readonly extensionContext: vscode.ExtensionContext,
    private readonly logger: ClientLogger,
    private readonly questions: ServerQuestions,
  ) {
    this.statusItem = vscode.languages.createLanguageStatusItem('replicated-registries.server', ANALYZED_LANGUAGES.map((language) => ({ language })));
    this.statusItem.name = 'Replicated Registries';
    this.statusItem.command = { title: 'Show Log', command: 'replicated-registries.showLog' };
    this.showState('stopped');
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  get currentState(): ServerState {
    return this.state;
  }

  /** Starts the server if it is not running. Resolves to false (after telling the user) when it cannot start. */
  ensureStarted(reason: string): Promise<boolean> {
    if (this.state === 'running') return Promise.resolve(true);
    return this.serialize(async () => {
      if (this.state === 'running') return true;
      return this.start(reason);
    });
  }

  restart(): Promise<boolean> {
    return this.serialize(async () => {
      await this.stop();
      return this.start('restart requested');
    });
  }

  /**
   * Sends one request, starting the server when needed: `pick` chooses its type from the protocol, e.g.
   * `server.send((p) => p.SaveRegistryRequest, params)`. A server error rejects with its message.
   */
  async send<P, R>(pick: (protocol: Protocol) => RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const type = pick(loadLanguageClient().protocol);
    const client = await this.requireClient(type.method.replace(/^replicatedRegistries\//, ''));
    return client.sendRequest(type, params, token);
  }

  /** Tells a running server something (nothing to tell when it is not running: it asks again on start). */
  async notify(pick: (protocol: Protocol) => { method: string }, params: object): Promise<void> {
    if (!this.client || this.state !== 'running') return;
    await this.client.sendNotification(pick(loadLanguageClient().protocol).method, params);
  }

  /** An LSP WorkspaceEdit from the server, as VS Code's. */
  async toWorkspaceEdit(edit: LspWorkspaceEdit): Promise<vscode.WorkspaceEdit> {
    const client = await this.requireClient('convert an edit');
    return client.protocol2CodeConverter.asWorkspaceEdit(edit);
  }

  private async requireClient(purpose: string): Promise<LanguageClient> {
    if (!(await this.ensureStarted(purpose)) || !this.client) {
      throw new Error(`The Replicated Registries language server is not running, so it could not ${purpose}. Run "Replicated: Show Log" for the reason, then "Replicated: Restart Language Server".`);
    }
    return this.client;
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(operation, operation);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async start(reason: string): Promise<boolean> {
    if (this.disposed) return false;
    const startedAt = Date.now();
    this.setState('starting');
    this.logger.info(`Starting the language server (${reason}).`);
    try {
      // The language client and the protocol live in dist/languageClient.js, which activation never parses.
      const { LanguageClient, TransportKind, RevealOutputChannelOn, protocol } = loadLanguageClient();
      const serverModule = this.extensionContext.asAbsolutePath('dist/server.js');
      const disposables: vscode.Disposable[] = [];
      const registriesFileWatcher = vscode.workspace.createFileSystemWatcher('**/.replicated-registries.yaml');
      disposables.push(registriesFileWatcher);
      const serverOptions = {
        // stdio, not IPC: over stdio the server writes each unchanged diagnostic's kept JSON itself,
        // where Node's IPC channel would serialize every message again.
        // The server's Node flags (server/src/protocol/serverProcess.ts says what each one saves).
        run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...protocol.SERVER_NODE_FLAGS] } },
        debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...protocol.SERVER_NODE_FLAGS, '--nolazy', '--inspect=6011'] } },
      };
      const client = new LanguageClient('replicated-registries', 'Replicated Registries', serverOptions, {
        documentSelector: ANALYZED_LANGUAGES.map((language) => ({ scheme: 'file', language })),
        synchronize: { configurationSection: ['replicated-registries', 'http'], fileEvents: registriesFileWatcher },
        initializationOptions: buildInitializationOptions(),
        outputChannel: this.logger.channel,
        // Traces carry request params (a draft test's credentials): every trace line goes through redact().
        traceOutputChannel: this.logger.traceChannel,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        diagnosticCollectionName: 'replicated-registries',
      });
      disposables.push(
        client.onRequest(protocol.GetCredentialsRequest, (params) => this.questions.credentials(params)),
        client.onRequest(protocol.AllowInsecureConnectionRequest, (params) => ({
          // Allowed later: the server asks again for this registry and re-checks it.
          allowed: this.questions.allowInsecure(params, () => void client.sendNotification(protocol.CredentialsChangedNotification, { slug: params.slug })),
        })),
        client.onRequest(protocol.GetPortalConnectionRequest, () => this.questions.portalConnection()),
        client.onNotification(protocol.RegistriesChangedNotification, () => this.registriesChangedEmitter.fire()),
        client.onNotification(protocol.ReleaseImagesChangedNotification, () => this.releaseImagesChangedEmitter.fire()),
        client.onNotification(protocol.ServerStatusNotification, (status) => this.showServerStatus(status)),
      );
      this.client = client;
      this.clientDisposables = disposables;
      await client.start();
      this.setState('running');
      this.logger.info(`Language server started in ${Date.now() - startedAt} ms.`);
      return true;
    } catch (error) {
      this.logger.error(`The language server did not start: ${errorMessage(error)}`);
      await this.stop();
      this.setState('failed');
      void vscode.window
        .showErrorMessage('Replicated Registries: the language server did not start, so YAML files are not checked. See the log for the reason.', 'Show Log', 'Restart')
        .then((choice) => {
          if (choice === 'Show Log') this.logger.show();
          if (choice === 'Restart') void this.restart();
        });
      return false;
    }
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const disposable of this.clientDisposables) disposable.dispose();
    this.clientDisposables = [];
    if (client) {
      try {
        if (client.isRunning()) await client.stop(2000);
      } catch (error) {
        this.logger.warn(`The language server did not stop cleanly: ${errorMessage(error)}`);
      }
      try {
        await client.dispose(2000);
      } catch {
        // Already stopped above; dispose only releases what is left.
      }
    }
    if (this.state !== 'failed') this.setState('stopped');
  }

  private setState(state: ServerState): void {
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'replicated-registries.serverRunning', state === 'running');
    this.showState(state);
    this.stateEmitter.fire(state);
  }

  private showState(state: ServerState): void {
    const item = this.statusItem;
    item.busy = state === 'starting';
    item.severity = state === 'failed' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    item.text = state === 'running' ? SERVER_STATUS_TEXT.idle : state === 'starting' ? 'Registries: starting…' : state === 'failed' ? 'Registries: server failed' : 'Registries: not started';
    item.detail = vscode.workspace.isTrusted ? undefined : 'Restricted Mode: registry checks are off until you trust this workspace';
  }

  private showServerStatus(status: ServerStatusParams): void {
    const item = this.statusItem;
    item.busy = status.state === 'checking';
    item.text = SERVER_STATUS_TEXT[status.state] ?? SERVER_STATUS_TEXT.idle;
    item.detail = status.message;
    item.severity = status.state === 'error' ? vscode.LanguageStatusSeverity.Error : status.state === 'offline' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serialize(() => this.stop());
    this.statusItem.dispose();
    this.stateEmitter.dispose();
    this.registriesChangedEmitter.dispose();
    this.releaseImagesChangedEmitter.dispose();
  }
}

function buildInitializationOptions(): Record<string, unknown> {
  // credentialsProvider / portalConnectionProvider / insecureConsentProvider: this client answers
  // getCredentials, getPortalConnection and allowInsecureConnection; clientCommands: it implements the
  // "Connect this registry" command the server's quick fix names.
  const options: Record<string, unknown> = { credentialsProvider: true, portalConnectionProvider: true, insecureConsentProvider: true, clientCommands: true, trusted: vscode.workspace.isTrusted };
  // Tests shorten the diagnostics debounce; users never need to.
  const delay = Number(process.env.REPLICATED_REGISTRIES_DIAGNOSTICS_DELAY_MS);
  if (process.env.REPLICATED_REGISTRIES_DIAGNOSTICS_DELAY_MS && Number.isFinite(delay) && delay >= 0) options.diagnosticsDelayMs = delay;
  return options;
}
