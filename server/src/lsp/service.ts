/**
 * The language service: owns the capabilities, the per-connection state (documents, settings,
 * workspace model, credentials, registry clients) and wires each protocol message to its feature
 * handler. Handlers turn engine results into LSP objects; the engine never sees the connection.
 */
import path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readRegularFile, readRegularFileSync } from '../limits/boundedFiles';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { redactingLogger, type Logger } from '../log/logger';
import { CredentialsChangedNotification, PortalConnectionChangedNotification, RegistriesChangedNotification } from '../protocol/messages';
import { chainCredentialSources, DockerCredentialStore, EnvironmentCredentialSource } from '../registry/credentials/index';
import { ChunkedTextDocument } from './chunkedTextDocument';
import { registerCodeActions } from './codeActions';
import { registerCompletion } from './completion';
import type { AnalysisSetup, ClientFeatures } from './context';
import { documentPath, pathToUri } from './convert';
import { CredentialBroker, serverInsecureConsent } from './credentials';
import { registerCustomRequests } from './customRequests';
import { registerClientRequests } from './requests/index';
import type { ClientRequestContext } from './requests/requestContext';
import { DiagnosticsController } from './diagnostics';
import { EditTracker } from './editTracker';
import { setEngineLogger } from './engine';
import { AnalysisWorkerHost, BACKGROUND_NICE } from './analysisWorker';
import { LocalAnalysisCache, type EditHint, type FileAnalysis } from './fileAnalysis';
import { WorkScheduler, type Priority } from './scheduler';
import { guarded, guardedNotification } from './handlerErrors';
import { registerHover } from './hover';
import { RegistryAccess } from './registryAccess';
import { isReleaseFile, ReleaseCache } from './releaseCache';
import { fileRoleOf } from '../manifests/shapes';
import { PORTAL_REFRESH_INTERVAL_MS, PortalConnector } from './portal';
import type { PortalRegistryStore } from '../store/portal/portalStore';
import { parseInitializationOptions, SettingsCache, type InitializationOptions, type ServerSettings } from './settings';
import { StatusReporter } from './status';
import { WorkspaceHandler } from './workspace';
import { isRegistriesFile, WorkspaceModel } from './workspaceModel';
import { VERSION } from '../version';

/**
 * What this server offers. Each entry is here on purpose:
 */
export const SERVER_CAPABILITIES: ServerCapabilities = {
  // Incremental sync: a keystroke in a 5,000-document manifest sends the edit, not 3 MB. Save events
  // (without text: we have it) trigger the pull checks.
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  // Hover on an image reference: normalized reference, registry, credential state, last check, proxy reference.
  hoverProvider: true,
  // Quick fixes from our diagnostics' `data` (connect registry, pin digest, pick a tag, proxy rewrite,
  // silence); pin-to-digest resolves lazily (a HEAD request) when the client supports codeAction/resolve.
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite], resolveProvider: true },
  // Completion inside image values: hosts after nothing, repositories after `/`, tags after `:`.
  completionProvider: { triggerCharacters: ['/', ':'], resolveProvider: false },
  // Folders come and go in multi-root workspaces; each has its own registries file.
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};

/**
 * Added when the client pulls diagnostics (LSP 3.17) and can be asked to pull again: open documents'
 * diagnostics are then answered with result ids (`unchanged` when the client has them already).
 * interFileDependencies: a values.yaml or a release file changes other files' diagnostics. Files that
 * are not open are still pushed (no workspace pull).
 */
const PULL_DIAGNOSTICS: ServerCapabilities['diagnosticProvider'] = { interFileDependencies: true, workspaceDiagnostics: false };

function clientFeatures(capabilities: ClientCapabilities): ClientFeatures {
  const codeAction = capabilities.textDocument?.codeAction;
  return {
    configurationRequest: capabilities.workspace?.configuration === true,
    dynamicConfigurationChange: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    dynamicWatchedFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    codeActionLiterals: codeAction?.codeActionLiteralSupport !== undefined,
    codeActionResolveEdit: codeAction?.resolveSupport?.properties.includes('edit') === true,
    relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
    markdownHover: capabilities.textDocument?.hover?.contentFormat?.includes('markdown') ?? false,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined && capabilities.workspace?.diagnostics?.refreshSupport === true,
  };
}

export class RegistriesLanguageService implements ClientRequestContext {
  private readonly edits = new EditTracker();
  readonly documents = new TextDocuments(this.edits.configuration);
  readonly logger: Logger;
  readonly workspace = new WorkspaceModel();
  /** Slices long work and lets edits go first (scheduler.ts). */
  readonly scheduler = new WorkScheduler();
  /** Analysis workers: the workspace scan's (at a lower OS priority), and the one for big documents while typing. */
  private readonly workers: { background: AnalysisWorkerHost; interactive: AnalysisWorkerHost } | undefined;
  readonly analyses: LocalAnalysisCache;
  readonly releases = new ReleaseCache((filePath) => this.readText(filePath));
  readonly registries: RegistryAccess;
  readonly settings: SettingsCache;
  init: InitializationOptions = parseInitializationOptions(undefined);
  client: ClientFeatures = clientFeatures({});
  credentials!: CredentialBroker;
  private portal: PortalConnector | undefined;
  private portalTimer: NodeJS.Timeout | undefined;
  /** Portal warnings already logged (each is logged once while it lasts). */
  private loggedPortalWarnings = new Set<string>();
  /** Serializes portal refreshes: a periodic one never races one the client asked for. */
  private portalRefresh: Promise<void> = Promise.resolve();
  private readonly status: StatusReporter;
  private readonly diagnostics: DiagnosticsController;
  private readonly workspaceHandler: WorkspaceHandler;
  /** Bumped on didChangeConfiguration (part of the analysis cache key). */
  private settingsGeneration = 0;
  /** Settles once the registries files are read after `initialized`; analyses and requests wait on it. */
  private readonly configurationLoaded: Promise<void>;
  private markConfigurationLoaded: () => void = () => undefined;

  /** `options.workerScript`: the bundle the server runs from, started again as the analysis worker. */
  constructor(
    readonly connection: Connection,
    options: { workerScript?: string } = {},
  ) {
    this.configurationLoaded = new Promise((resolve) => {
      this.markConfigurationLoaded = resolve;
    });
    const console = connection.console;
    // Everything the server logs goes through the connection (never stdout) and through redact().
    this.logger = redactingLogger({
      error: (m) => console.error(m),
      warn: (m) => console.warn(m),
      info: (m) => console.info(m),
      debug: (m) => console.log(m),
    });
    setEngineLogger(this.logger);
    const script = options.workerScript;
    const idleMs = (): number => this.init.analysisWorkerIdleMs;
    const workers =
      script && AnalysisWorkerHost.canRun(script)
        ? {
            background: new AnalysisWorkerHost(script, this.logger, { name: 'workspace scan', nice: BACKGROUND_NICE, idleMs }),
            interactive: new AnalysisWorkerHost(script, this.logger, { name: 'big documents', idleMs }),
          }
        : undefined;
    this.workers = workers;
    this.analyses = new LocalAnalysisCache(workers ? (job, budgetMs, priority) => workers[priority].read(job, budgetMs) : undefined);
    // A registry's health changed in a background check: the client's view reads it only when it refreshes.
    // Coalesced so a scan that changes many registries sends one notification.
    let healthNoticePending = false;
    this.registries = new RegistryAccess(this.logger, () => {
      if (healthNoticePending) return;
      healthNoticePending = true;
      setImmediate(() => {
        healthNoticePending = false;
        void connection.sendNotification(RegistriesChangedNotification, {}).catch(() => undefined);
      });
    });
    this.settings = new SettingsCache(connection, () => this.client.configurationRequest);
    this.status = new StatusReporter(connection);
    this.diagnostics = new DiagnosticsController(this, this.status, this.scheduler);
    this.workspaceHandler = new WorkspaceHandler(this, this.diagnostics, () => this.surfacePortalWarnings());
  }

  listen(): void {
    const { connection, logger } = this;
    process.on('uncaughtException', (err) => logger.error(`unexpected error (the server keeps running): ${err.stack ?? err.message}`));
    process.on('unhandledRejection', (reason) => logger.error(`unhandled rejection (the server keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(guardedNotification(logger, 'initialized', () => this.initialized()));
    connection.onDidChangeConfiguration(
      guardedNotification(logger, 'didChangeConfiguration', (params) => {
        this.settings.changed(params.settings);
        this.settingsGeneration++;
        this.analyses.clear();
        this.releases.clear();
        void this.updateOfflineStatus();
        this.diagnostics.revalidateOpen({ remote: true });
        this.workspaceHandler.rescan();
      }),
    );
    connection.onDidChangeWatchedFiles(guardedNotification(logger, 'didChangeWatchedFiles', (params) => this.workspaceHandler.watchedFilesChanged(params)));
    connection.onNotification(
      CredentialsChangedNotification,
      guardedNotification(logger, 'credentialsChanged', ({ slug }) => {
        this.credentials.invalidate(slug);
        const entry = this.workspace.registryBySlug(slug);
        this.registries.invalidate(entry?.endpoint);
        this.diagnostics.revalidateOpen({ remote: true });
        this.workspaceHandler.rescan();
      }),
    );

    connection.onNotification(
      PortalConnectionChangedNotification,
      guardedNotification(logger, 'portalConnectionChanged', () => this.refreshPortal({ reconnect: true, force: true })),
    );

    // TextDocuments fires onDidChangeContent right after onDidOpen; the open handler already validates.
    const justOpened = new Set<string>();
    this.documents.onDidOpen(
      guardedNotification(logger, 'didOpen', (e) => {
        justOpened.add(e.document.uri);
        this.diagnostics.opened(e.document);
      }),
    );
    this.documents.onDidChangeContent(
      guardedNotification(logger, 'didChange', (e) => {
        if (justOpened.delete(e.document.uri)) return;
        const filePath = documentPath(e.document.uri);
        // A file the release is made of: the release is read again before this document is analysed.
        if (this.partOfRelease(e.document.uri)) {
          this.releases.contentChanged(filePath);
          this.workspaceHandler.releaseChanged(filePath, e.document.uri);
        }
        this.diagnostics.changed(e.document);
      }),
    );
    this.documents.onDidSave(
      guardedNotification(logger, 'didSave', async (e) => {
        // Clients without file watching still get a fresh configuration when the registries file is saved.
        if (isRegistriesFile(documentPath(e.document.uri)) && !this.client.dynamicWatchedFiles) {
          await this.workspaceHandler.registriesFileChanged();
        }
        // A save may add a KOTS kind to a file that had none (its analysis says so by now): read the release again.
        const savedPath = documentPath(e.document.uri);
        if (this.partOfRelease(e.document.uri)) {
          this.releases.contentChanged(savedPath);
          this.workspaceHandler.releaseChanged(savedPath, e.document.uri);
        }
        this.diagnostics.saved(e.document.uri);
      }),
    );
    this.documents.onDidClose(
      guardedNotification(logger, 'didClose', (e) => {
        this.diagnostics.closed(e.document.uri);
        this.edits.forget(e.document.uri);
        // Back to the on-disk view for a workspace file.
        const filePath = documentPath(e.document.uri);
        if (this.workspace.folderOf(filePath) && /\.ya?ml$/i.test(filePath)) void this.diagnostics.validateUnopened(filePath).catch(() => undefined);
      }),
    );

    // A failed pull is not retried by the client on its own (the next edit or refresh pulls again).
    connection.languages.diagnostics.on(guarded(logger, 'diagnostic', (params, token) => this.diagnostics.pull(params.textDocument.uri, params.previousResultId, token), { retriggerRequest: false }));
    registerHover(this);
    registerCodeActions(this);
    registerCompletion(this);
    registerCustomRequests(this);
    registerClientRequests(this);

    connection.onShutdown(async () => {
      if (this.portalTimer) clearInterval(this.portalTimer);
      this.workspaceHandler.dispose();
      this.diagnostics.dispose();
      this.workers?.background.dispose();
      this.workers?.interactive.dispose();
      await this.registries.dispose();
    });

    this.documents.listen(connection);
    connection.listen();
  }

  // ---- ServerContext ----------------------------------------------------------------------------

  networkAllowed(settings: ServerSettings): boolean {
    return this.init.trusted && !this.init.offline && settings.remoteChecks;
  }

  ready(): Promise<void> {
    return this.configurationLoaded;
  }

  async environmentFor(uri: string): Promise<AnalysisSetup> {
    await this.configurationLoaded;
    const settings = await this.settings.get(uri);
    const loaded = this.workspace.configFor(uri);
    const network = this.networkAllowed(settings);
    return {
      settings,
      generation: `${this.workspace.generation}:${this.settingsGeneration}:${network}`,
      env: {
        config: loaded.config,
        severityOverrides: settings.rules,
        offline: !network,
        ...(network ? { registryClient: this.registries.recordingChecker(settings) } : {}),
        credentialsFor: (entry) => this.credentials.answerFor(entry),
        readFile: (filePath) => this.readText(filePath),
        release: this.releases.loaderFor(this.releaseRootOf(uri), loaded.config),
        reportEngineError: (what, filePath, error) => this.logger.error(`${what} failed on ${filePath}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      },
    };
  }

  /**
   * Whether a document may change the release: a chart file, or a manifest whose last analysis found
   * KOTS kinds or templates (a plain manifest never makes the release be read again).
   */
  private partOfRelease(uri: string): boolean {
    const filePath = documentPath(uri);
    if (!isReleaseFile(filePath)) return false;
    return fileRoleOf(filePath) !== 'manifest' || path.basename(filePath) === 'Chart.yaml' || this.analyses.dependsOnRelease(uri) !== false;
  }

  /** The folder whose release a file belongs to: its workspace folder, else its own directory. */
  releaseRootOf(uri: string): string {
    const filePath = documentPath(uri);
    return this.workspace.folderOf(filePath) ?? path.dirname(filePath);
  }

  async analysisOf(document: TextDocument, priority: Priority = 'interactive'): Promise<FileAnalysis> {
    const uri = document.uri;
    const setup = await this.environmentFor(uri);
    // The newest version when the analysis starts, with the edits since the previous one: the hint is
    // consumed by exactly the analysis it describes. The chunked document itself, not getText():
    // joining a 3 MB text on every keystroke is what made edits slow.
    const input = (): { text: ChunkedTextDocument | string; hint?: EditHint } => {
      const current = this.documents.get(uri) ?? document;
      const hint = this.documents.get(uri) ? this.edits.take(uri) : undefined;
      return { text: current instanceof ChunkedTextDocument ? current : current.getText(), ...(hint ? { hint } : {}) };
    };
    return this.analyses.analyze(uri, input, documentPath(uri), setup.env, setup.generation, { priority, scheduler: this.scheduler });
  }

  async readText(filePath: string, beforeDecode?: (bytes: number) => Promise<void>): Promise<string | undefined> {
    const open = this.documents.get(pathToUri(filePath));
    if (open) return open.getText();
    let bytes: Buffer;
    try {
      // Regular files within the analysed size only: a FIFO or a device would block, /dev/zero never ends.
      bytes = await readRegularFile(filePath, INPUT_LIMITS.analyzedFileBytes);
    } catch {
      return undefined;
    }
    await beforeDecode?.(bytes.length);
    return bytes.toString('utf8');
  }

  readTextSync(filePath: string): string | undefined {
    const open = this.documents.get(pathToUri(filePath));
    if (open) return open.getText();
    try {
      return readRegularFileSync(filePath, INPUT_LIMITS.analyzedFileBytes).toString('utf8');
    } catch {
      return undefined;
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  private initialize(params: InitializeParams): InitializeResult {
    this.client = clientFeatures(params.capabilities);
    this.init = parseInitializationOptions(params.initializationOptions);
    this.workspace.setFolders(params.workspaceFolders, params.rootUri);
    const docker = new DockerCredentialStore({ logger: this.logger });
    const local = chainCredentialSources([docker, new EnvironmentCredentialSource()], this.logger);
    this.credentials = new CredentialBroker(this.connection, this.logger, {
      trusted: this.init.trusted,
      clientProvidesCredentials: this.init.credentialsProvider,
      localLookup: (entry) => local.get(entry),
      consent: serverInsecureConsent(this.connection, this.logger, { allowInsecure: this.init.allowInsecure, env: process.env, clientAsks: this.init.insecureConsentProvider }),
    });
    if (this.client.pullDiagnostics) this.diagnostics.usePullModel();
    const capabilities = this.client.pullDiagnostics ? { ...SERVER_CAPABILITIES, diagnosticProvider: PULL_DIAGNOSTICS } : SERVER_CAPABILITIES;
    return { capabilities, serverInfo: { name: 'replicated-registries', version: VERSION } };
  }

  private async initialized(): Promise<void> {
    if (this.client.dynamicConfigurationChange) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: ['replicated-registries', 'http'] });
    }
    if (this.client.dynamicWatchedFiles) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Chart templates (.tpl) and packaged charts (.tgz) change what a HelmChart's customers pull; a
        // Compose `.env` what its images are.
        watchers: [{ globPattern: '**/.replicated-registries.yaml' }, { globPattern: '**/*.{yaml,yml,tpl,tgz}' }, { globPattern: '**/.env' }],
      });
    }
    if (this.client.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(guardedNotification(this.logger, 'didChangeWorkspaceFolders', (e) => this.workspaceHandler.foldersChanged(e)));
    }
    try {
      await this.connectPortal();
      await this.workspaceHandler.loadConfiguration();
    } finally {
      this.markConfigurationLoaded();
    }
    await this.updateOfflineStatus();
    this.workspaceHandler.rescan();
  }

  // ---- vendor portal ----------------------------------------------------------------------------

  portalStore(): PortalRegistryStore | undefined {
    return this.portal?.currentStore;
  }

  refreshPortalNow(): Promise<void> {
    return this.refreshPortal({ reconnect: false, force: true });
  }

  /** Finds the portal connection (editor, else environment) and sets the merge the workspace applies. */
  private async connectPortal(): Promise<void> {
    this.portal ??= new PortalConnector(this.connection, this.logger, {
      trusted: this.init.trusted,
      clientProvidesPortal: this.init.portalProvider,
      environment: process.env,
    });
    this.workspace.setPortalMerge(await this.portal.connect());
    if (this.portal.connected && !this.portalTimer) {
      // The portal changes outside the editor too (the web UI, the replicated CLI): look again now and then.
      this.portalTimer = setInterval(() => void this.refreshPortal({ reconnect: true, force: false }), PORTAL_REFRESH_INTERVAL_MS);
      this.portalTimer.unref();
    } else if (!this.portal.connected && this.portalTimer) {
      clearInterval(this.portalTimer);
      this.portalTimer = undefined;
    }
  }

  /**
   * Asks the portal again. `force` (the client said the connection changed) re-validates everything;
   * otherwise only a changed result does.
   */
  private refreshPortal(options: { reconnect: boolean; force: boolean }): Promise<void> {
    const run = async (): Promise<void> => {
      await this.configurationLoaded;
      if (options.reconnect) await this.connectPortal();
      if (options.force) {
        await this.workspaceHandler.registriesFileChanged();
        return;
      }
      const changed = await this.workspace.refreshPortal();
      this.surfacePortalWarnings();
      if (changed) this.workspaceHandler.configurationChanged();
    };
    this.portalRefresh = this.portalRefresh.then(run).catch((err: unknown) => {
      this.logger.error(`refreshing the vendor portal's registries failed (the previous list stays in use): ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.portalRefresh;
  }

  /** Logs each new portal warning once and keeps them in the status while they last. */
  private surfacePortalWarnings(): void {
    const current = this.workspace.portalWarnings();
    for (const warning of current) if (!this.loggedPortalWarnings.has(warning)) this.logger.warn(`vendor portal: ${warning}`);
    this.loggedPortalWarnings = new Set(current);
    this.status.setPortalWarnings(current);
  }

  async checksOffReason(): Promise<string | undefined> {
    const settings = await this.settings.get(undefined);
    return !this.init.trusted
      ? 'Restricted Mode: registry checks are off until you trust this workspace'
      : this.init.offline
        ? 'Offline: registry checks are off'
        : !settings.remoteChecks
          ? 'Remote checks are turned off (replicated-registries.remoteChecks)'
          : undefined;
  }

  private async updateOfflineStatus(): Promise<void> {
    this.status.setOffline(await this.checksOffReason());
  }

}
