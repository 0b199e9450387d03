/**
 * The one object that owns the extension's lifetime: the log, this machine's secrets and consent, the
 * language-server connection (the only door to the engine), the Registries view and the commands.
 * Everything registered here is disposed with the extension; what belongs to one language-client run
 * lives in ServerConnection.
 */
import * as vscode from 'vscode';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { createClientLogger, errorMessage, type ClientLogger } from './log';
import { LastTests } from './model/lastTests';
import { RegistriesModel } from './model/registriesModel';
import { CredentialsVault } from './secrets/credentialsVault';
import { InsecureConsent } from './secrets/insecureConsent';
import { PortalConnectionStore } from './secrets/portalConnection';
import { ANALYZED_LANGUAGES, ServerConnection } from './server/serverConnection';
import { RegistriesTreeProvider } from './tree/registriesTree';
import { RegistryStatusDecorations } from './tree/registryDecorations';

export const VIEW_ID = 'replicated-registries.registries';

export class RegistriesExtension implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly logger: ClientLogger;
  readonly server: ServerConnection;
  readonly tree: RegistriesTreeProvider;
  /** The server starts by itself once (first YAML document, or the view shown); later only on request. */
  private autoStartRequested = false;

  constructor(context: vscode.ExtensionContext) {
    const channel = vscode.window.createOutputChannel('Replicated Registries', { log: true });
    this.disposables.push(channel);
    this.logger = createClientLogger(channel);

    const vault = new CredentialsVault(context.secrets);
    const consent = new InsecureConsent(context.globalState, this.logger);
    const portal = new PortalConnectionStore(context.secrets);
    this.server = new ServerConnection(context, this.logger, {
      credentials: async (params) => {
        // Untrusted workspace: its registries file could point our secrets at any host.
        if (!vscode.workspace.isTrusted) {
          this.logger.info(`Credentials for ${params.slug} not handed out: the workspace is not trusted.`);
          return null;
        }
        const credentials = await vault.get(params);
        this.logger.debug(`Credentials for ${params.slug} requested by the server: ${credentials ? 'found' : 'none on this machine'}.`);
        return credentials ?? null;
      },
      allowInsecure: (params, onAllowed) => vscode.workspace.isTrusted && consent.answer(params, onAllowed),
      portalConnection: async () => {
        // Same rule as registry secrets: an untrusted workspace gets no token (its files could steer requests).
        if (!vscode.workspace.isTrusted) {
          this.logger.info('The vendor portal connection was not handed to the server: the workspace is not trusted.');
          return null;
        }
        const connection = await portal.connection();
        this.logger.debug(`Vendor portal connection requested by the server: ${connection ? `connected to ${connection.origin}` : 'not connected'}.`);
        return connection ?? null;
      },
    });
    const lastTests = new LastTests(context.workspaceState);
    const model = new RegistriesModel(this.server, lastTests);
    this.tree = new RegistriesTreeProvider(model, this.server, this.logger, context.extensionUri);
    const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    const commands: CommandContext = { server: this.server, model, vault, lastTests, consent, portal, tree: this.tree, logger: this.logger };

    this.disposables.push(
      vault,
      portal,
      this.tree,
      treeView,
      vscode.window.registerFileDecorationProvider(new RegistryStatusDecorations()),
      ...registerCommands(commands),
      vault.onDidChange((slug) => {
        void this.server.notify((p) => p.CredentialsChangedNotification, { slug }).catch((error: unknown) => this.logger.warn(`Could not tell the server about new credentials: ${errorMessage(error)}`));
        this.tree.refresh();
      }),
      this.server.onDidChangeRegistries(() => this.tree.refresh()),
      portal.onDidChange(() => {
        void this.server.notify((p) => p.PortalConnectionChangedNotification, {}).catch((error: unknown) => this.logger.warn(`Could not tell the server about the vendor portal connection: ${errorMessage(error)}`));
        this.tree.refresh();
      }),
      // Once the server runs (again), the view asks it afresh.
      this.server.onDidChangeState((state) => {
        if (state === 'running' || state === 'failed') this.tree.refresh();
      }),
      treeView.onDidChangeVisibility((event) => {
        if (event.visible) this.autoStart('the Registries view opened');
      }),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (isAnalyzed(document)) this.autoStart(`${vscode.workspace.asRelativePath(document.uri)} opened`);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.logger.info('Workspace trusted: restarting the language server with network checks and credentials.');
        if (this.server.currentState !== 'stopped') void this.server.restart();
        this.tree.refreshNow();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.tree.refresh()),
    );

    if (treeView.visible) this.autoStart('the Registries view is open');
    const openYaml = vscode.workspace.textDocuments.find(isAnalyzed);
    if (openYaml) this.autoStart(`${vscode.workspace.asRelativePath(openYaml.uri)} is open`);
    // The palette's `when` clauses need the portal state at once; it is read after activation returns.
    setTimeout(() => {
      portal.refreshContext().catch((error: unknown) => this.logger.warn(`Could not read the vendor portal connection: ${errorMessage(error)}`));
    }, 0);
  }

  private autoStart(reason: string): void {
    if (this.autoStartRequested) return;
    this.autoStartRequested = true;
    void this.server.ensureStarted(reason);
  }

  async dispose(): Promise<void> {
    await this.server.dispose();
    for (const disposable of this.disposables.reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        this.logger.warn(`Disposing failed: ${errorMessage(error)}`);
      }
    }
    this.disposables.length = 0;
  }
}

function isAnalyzed(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && (ANALYZED_LANGUAGES as readonly string[]).includes(document.languageId);
}
