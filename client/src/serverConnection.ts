/**
 * The language client: the bundled server (`dist/server.js`) over IPC, started on first need and
 * restarted one operation at a time. `vscode-languageclient` and the protocol module come from
 * dist/clientEngine.js (loadClientEngine), required only when the server starts, so activation stays fast.
 *
 * Client-lifetime disposables (request/notification handlers) live in `clientDisposables` and go
 * with each client; extension-lifetime ones (status item, emitters) live on this object.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type {
  ListTagsParams,
  ListTagsResult,
  RegistryStatus,
  ServerStatusParams,
  TestRegistryParams,
  WorkspaceImage,
} from '../../server/src/protocol/messages';
import type { PullCheckResult } from '../../server/src/registry/types';
import type { CredentialsVault } from './credentialsVault';
import { InsecureConsent } from './insecureConsent';
import type { VendorPortal } from './portal/vendorPortal';
import { errorMessage, type ClientLogger } from './log';
import { loadClientEngine } from './engine/loadClientEngine';

export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

/** Languages whose documents the server analyzes (Compose files get their own language id in VS Code). */
export const ANALYZED_LANGUAGES = ['yaml', 'dockercompose', 'helm'] as const;

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
  /** The server says the registries (file or statuses) changed. */
  readonly onDidChangeRegistries = this.registriesChangedEmitter.event;
  private readonly statusItem: vscode.LanguageStatusItem;
  /** The user's per-machine consent to insecure connection options with credentials (asked by the server). */
  readonly insecureConsent: InsecureConsent;

  constructor(
    private readonly extensionContext: vscode.ExtensionContext,
    private readonly logger: ClientLogger,
    private readonly vault: CredentialsVault,
    private readonly portal: VendorPortal,
  ) {
    this.insecureConsent = new InsecureConsent(extensionContext.globalState, logger);
    this.statusItem = vscode.languages.createLanguageStatusItem(
      'replicated-registries.server',
      ANALYZED_LANGUAGES.map((language) => ({ language })),
    );
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

  stopServer(): Promise<void> {
    return this.serialize(() => this.stop());
  }

  async listRegistries(): Promise<RegistryStatus[]> {
    const { ListRegistriesRequest } = loadClientEngine().messages;
    return (await this.requireClient('list registries')).sendRequest(ListRegistriesRequest, {});
  }

  async workspaceImages(): Promise<WorkspaceImage[]> {
    const { WorkspaceImagesRequest } = loadClientEngine().messages;
    return (await this.requireClient('find workspace images')).sendRequest(WorkspaceImagesRequest, {});
  }

  async listTags(params: ListTagsParams): Promise<ListTagsResult> {
    const { ListTagsRequest } = loadClientEngine().messages;
    return (await this.requireClient('list tags')).sendRequest(ListTagsRequest, params);
  }

  async testRegistry(params: TestRegistryParams, token?: vscode.CancellationToken): Promise<PullCheckResult> {
    const { TestRegistryRequest } = loadClientEngine().messages;
    return (await this.requireClient('test the registry')).sendRequest(TestRegistryRequest, params, token);
  }

  /** Tells a running server that a registry's secret changed (no-op when it is not running: it asks on start). */
  async notifyCredentialsChanged(slug: string): Promise<void> {
    if (!this.client || this.state !== 'running') return;
    const { CredentialsChangedNotification } = loadClientEngine().messages;
    await this.client.sendNotification(CredentialsChangedNotification, { slug });
  }

  /** Tells a running server the portal was connected or disconnected (it asks with GetPortalConnectionRequest on start anyway). */
  async notifyPortalConnectionChanged(): Promise<void> {
    if (!this.client || this.state !== 'running') return;
    const { PortalConnectionChangedNotification } = loadClientEngine().messages;
    await this.client.sendNotification(PortalConnectionChangedNotification, {});
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
      // The language client and the protocol live in dist/clientEngine.js (about 400 KB activation never parses).
      const { LanguageClient, TransportKind, RevealOutputChannelOn, messages } = loadClientEngine();
      const serverModule = this.extensionContext.asAbsolutePath('dist/server.js');
      const disposables: vscode.Disposable[] = [];
      const registriesFileWatcher = vscode.workspace.createFileSystemWatcher('**/.replicated-registries.yaml');
      disposables.push(registriesFileWatcher);
      const serverOptions = {
        run: { module: serverModule, transport: TransportKind.ipc },
        debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
      };
      const client = new LanguageClient(
        'replicated-registries',
        'Replicated Registries',
        serverOptions,
        {
          documentSelector: ANALYZED_LANGUAGES.map((language) => ({ scheme: 'file', language })),
          synchronize: {
            configurationSection: ['replicated-registries', 'http'],
            fileEvents: registriesFileWatcher,
          },
          initializationOptions: buildInitializationOptions(),
          outputChannel: this.logger.channel,
          traceOutputChannel: this.logger.channel,
          revealOutputChannelOn: RevealOutputChannelOn.Never,
          diagnosticCollectionName: 'replicated-registries',
        },
      );
      disposables.push(
        client.onRequest(messages.GetCredentialsRequest, async (params) => {
          // Untrusted workspace: its registries file could point our secrets at any host.
          if (!vscode.workspace.isTrusted) {
            this.logger.info(`Credentials for ${params.slug} not handed out: the workspace is not trusted.`);
            return null;
          }
          const credentials = await this.vault.get(params);
          this.logger.debug(`Credentials for ${params.slug} requested by the server: ${credentials ? 'found' : 'none on this machine'}.`);
          return credentials ?? null;
        }),
        client.onRequest(messages.AllowInsecureConnectionRequest, (params) => {
          if (!vscode.workspace.isTrusted) return { allowed: false };
          const allowed = this.insecureConsent.answer(params, () => {
            // Allowed later: the server asks again for this registry and re-checks it.
            void client.sendNotification(messages.CredentialsChangedNotification, { slug: params.slug });
          });
          return { allowed };
        }),
        client.onRequest(messages.GetPortalConnectionRequest, async () => {
          // Same rule as registry secrets: an untrusted workspace gets no token (its files could steer requests).
          if (!vscode.workspace.isTrusted) {
            this.logger.info('The vendor portal connection was not handed to the server: the workspace is not trusted.');
            return null;
          }
          const connection = await this.portal.connection();
          this.logger.debug(`Vendor portal connection requested by the server: ${connection ? `connected to ${connection.origin}` : 'not connected'}.`);
          return connection ?? null;
        }),
        client.onNotification(messages.RegistriesChangedNotification, () => this.registriesChangedEmitter.fire()),
        client.onNotification(messages.ServerStatusNotification, (status) => this.showServerStatus(status)),
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
        .showErrorMessage(
          'Replicated Registries: the language server did not start, so YAML files are not checked. See the log for the reason.',
          'Show Log',
          'Restart',
        )
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
    item.detail = vscode.workspace.isTrusted ? undefined : 'Restricted mode: no registry checks';
  }

  private showServerStatus(status: ServerStatusParams): void {
    const item = this.statusItem;
    item.busy = status.state === 'checking';
    item.text = SERVER_STATUS_TEXT[status.state] ?? SERVER_STATUS_TEXT.idle;
    item.detail = status.message;
    item.severity =
      status.state === 'error'
        ? vscode.LanguageStatusSeverity.Error
        : status.state === 'offline'
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serialize(() => this.stop());
    this.statusItem.dispose();
    this.stateEmitter.dispose();
    this.registriesChangedEmitter.dispose();
  }
}

function buildInitializationOptions(): Record<string, unknown> {
  // portalConnectionProvider: this client answers replicatedRegistries/getPortalConnection.
  // insecureConsentProvider: this client answers replicatedRegistries/allowInsecureConnection.
  const options: Record<string, unknown> = { credentialsProvider: true, portalConnectionProvider: true, insecureConsentProvider: true, trusted: vscode.workspace.isTrusted };
  // Tests shorten the diagnostics debounce; users never need to.
  const delay = Number(process.env.REPLICATED_REGISTRIES_DIAGNOSTICS_DELAY_MS);
  if (process.env.REPLICATED_REGISTRIES_DIAGNOSTICS_DELAY_MS && Number.isFinite(delay) && delay >= 0) options.diagnosticsDelayMs = delay;
  return options;
}
