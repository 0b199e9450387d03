/**
 * The one object that owns the extension's lifetime: the log, the vault, the language-server
 * connection, the Registries view and the commands. Everything registered here is disposed with
 * the extension; what belongs to one language-client run lives in ServerConnection.
 */
import * as vscode from 'vscode';
import { RegistryCommands } from './commands/registryCommands';
import { CredentialsVault } from './credentialsVault';
import { DirectRegistryTester } from './directTest';
import { LastChecks } from './lastChecks';
import { createClientLogger, errorMessage, type ClientLogger } from './log';
import { VendorPortal } from './portal/vendorPortal';
import { RegistriesModel } from './registriesModel';
import { ANALYZED_LANGUAGES, ServerConnection } from './serverConnection';
import { RegistriesTreeProvider } from './tree/registriesTree';
import { RegistryStatusDecorations } from './tree/registryStatus';

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
    const lastChecks = new LastChecks(context.workspaceState);
    const portal = new VendorPortal(context.secrets, this.logger);
    this.server = new ServerConnection(context, this.logger, vault, portal);
    const model = new RegistriesModel(this.server, vault, lastChecks, this.logger, portal);
    const tester = new DirectRegistryTester(this.logger);
    this.tree = new RegistriesTreeProvider(model, this.server, this.logger);
    const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    const commands = new RegistryCommands(model, this.tree, this.server, vault, lastChecks, tester, this.logger);
    const registriesFileWatcher = vscode.workspace.createFileSystemWatcher('**/.replicated-registries.yaml');

    this.disposables.push(
      vault,
      portal,
      tester,
      this.tree,
      treeView,
      registriesFileWatcher,
      vscode.window.registerFileDecorationProvider(new RegistryStatusDecorations()),
      ...commands.register(),
      registriesFileWatcher.onDidCreate(() => this.tree.refresh()),
      registriesFileWatcher.onDidChange(() => this.tree.refresh()),
      registriesFileWatcher.onDidDelete(() => this.tree.refresh()),
      vault.onDidChange((slug) => {
        void this.server.notifyCredentialsChanged(slug).catch((error: unknown) => this.logger.warn(`Could not tell the server about new credentials: ${errorMessage(error)}`));
        this.tree.refresh();
      }),
      this.server.onDidChangeRegistries(() => this.tree.refresh()),
      portal.onDidChange(() => {
        void this.server.notifyPortalConnectionChanged().catch((error: unknown) => this.logger.warn(`Could not tell the server about the vendor portal connection: ${errorMessage(error)}`));
        this.tree.refresh();
      }),
      // Once the server runs, the view switches to its list (with verdicts) and the workspace's images.
      this.server.onDidChangeState((state) => {
        if (state === 'running') this.tree.refresh();
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
    // Palette `when` clauses need hasRegistries before the view is ever shown; read the file after activation returns.
    setTimeout(() => {
      portal.refreshContext().catch((error: unknown) => this.logger.warn(`Could not read the vendor portal connection: ${errorMessage(error)}`));
      this.tree.currentRegistries().catch((error: unknown) => this.logger.warn(`Could not read the registries: ${errorMessage(error)}`));
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
