/**
 * "Connect Vendor Portal", "Disconnect Vendor Portal" and "Show Pull Logs". The token is typed into
 * a password box, verified with a list call, and then kept only in SecretStorage (VendorPortal).
 */
import * as vscode from 'vscode';
import type { PortalConnection } from '../../../server/src/protocol/messages';
import type { RegistryEntry } from '../../../server/src/registry/types';
import { errorMessage, type ClientLogger } from '../log';
import type { RegistriesModel, RegistryView } from '../registriesModel';
import type { RegistriesTreeProvider } from '../tree/registriesTree';
import {
  API_ORIGIN_SETTING,
  API_TOKEN_HELP,
  chooseApiOrigin,
  DEFAULT_VENDOR_API_ORIGIN,
  formatPullLogTable,
  normalizeApiOrigin,
  pullLogPickItem,
  validateApiOrigin,
  validateApiToken,
  validateAppSlug,
} from './portalFormat';
import { VendorPortal } from './vendorPortal';

const CONNECT_TITLE = 'Connect Vendor Portal';

export class PortalCommands {
  constructor(
    private readonly model: RegistriesModel,
    private readonly tree: RegistriesTreeProvider,
    private readonly logger: ClientLogger,
  ) {}

  async connect(): Promise<void> {
    const portal = this.model.portal;
    const originChoice = chooseApiOrigin(
      vscode.workspace.getConfiguration('replicated-registries').get<string>(API_ORIGIN_SETTING),
      process.env.REPLICATED_API_ORIGIN,
    );
    const token = await vscode.window.showInputBox({
      title: `${CONNECT_TITLE}: API token`,
      prompt: `A Replicated API token with access to the team's external registries. ${API_TOKEN_HELP} It is kept only in your OS keychain.`,
      placeHolder: 'Replicated API token',
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiToken,
    });
    if (token === undefined) return;
    let origin = originChoice.origin;
    if (origin === undefined) {
      origin = await vscode.window.showInputBox({
        title: `${CONNECT_TITLE}: Vendor API origin`,
        prompt: 'The Vendor API to connect to. Keep the default unless you go through a proxy (set replicated-registries.vendorPortal.apiOrigin to skip this step).',
        value: DEFAULT_VENDOR_API_ORIGIN,
        ignoreFocusOut: true,
        validateInput: validateApiOrigin,
      });
      if (origin === undefined) return;
    }
    const app = await vscode.window.showInputBox({
      title: `${CONNECT_TITLE}: app slug (optional)`,
      prompt: "The application whose custom domains the checks should know (leave empty to use the registries file's `app:`).",
      placeHolder: 'my-app',
      ignoreFocusOut: true,
      validateInput: validateAppSlug,
    });
    if (app === undefined) return;
    const connection: PortalConnection = { token: token.trim(), origin: normalizeApiOrigin(origin) };
    if (app.trim()) connection.app = app.trim();

    // Verified before saving: a mistyped token or origin must not be kept and then fail later.
    const count = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to the vendor portal at ${connection.origin}…` },
      async () => (await VendorPortal.createStore(connection, this.logger).list()).length,
    );
    await portal.connect(connection);
    this.logger.info(`Connected the vendor portal at ${connection.origin} (${count} registr${count === 1 ? 'y' : 'ies'}).`);
    this.tree.refreshNow();
    void vscode.window.showInformationMessage(
      `Connected to the Replicated vendor portal: ${count} team registr${count === 1 ? 'y' : 'ies'}. The API token is kept in your OS keychain only.`,
    );
  }

  async disconnect(): Promise<void> {
    if (!(await this.model.portal.isConnected())) {
      void vscode.window.showInformationMessage('The vendor portal is not connected.');
      return;
    }
    await this.model.portal.disconnect();
    this.logger.info('Disconnected the vendor portal; its API token was deleted from SecretStorage.');
    this.tree.refreshNow();
    void vscode.window.showInformationMessage(
      'Disconnected from the Replicated vendor portal; the API token was deleted from your OS keychain. The team\'s registries stay in the portal.',
    );
  }

  /** The registry's pull logs from the portal: a table in the log, and a QuickPick to read them. */
  async showPullLogs(arg?: unknown): Promise<void> {
    const entry = await this.portalRegistryFrom(arg);
    if (!entry) return;
    const logs = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Reading the pull logs of ${entry.slug}…` },
      () => this.model.portalBackend.logs(entry),
    );
    this.logger.info(`Pull logs of ${entry.slug} (${entry.endpoint}) from the vendor portal, ${logs.length} entr${logs.length === 1 ? 'y' : 'ies'}:`);
    for (const line of formatPullLogTable(logs)) this.logger.info(line);
    if (logs.length === 0) {
      void vscode.window.showInformationMessage(`The vendor portal has no pull logs for "${entry.slug}" yet: they appear after a test or a customer's pull.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      logs.map((log) => pullLogPickItem(log)),
      { title: `Pull Logs: ${entry.slug}`, placeHolder: `${logs.length} pull(s) through ${entry.endpoint}; pick one to open the log, which has the whole table`, matchOnDescription: true, matchOnDetail: true },
    );
    if (picked) this.logger.show();
  }

  private async portalRegistryFrom(arg: unknown): Promise<RegistryEntry | undefined> {
    const fromNode = registryOfNode(arg);
    if (fromNode?.source === 'portal') return fromNode;
    let views: RegistryView[];
    try {
      views = (await this.model.list()).filter((view) => view.entry.source === 'portal');
    } catch (error) {
      throw new Error(`Could not list the registries: ${errorMessage(error)}`);
    }
    if (typeof arg === 'string') {
      const named = views.find((view) => view.entry.slug === arg);
      if (named) return named.entry;
    }
    if (views.length === 0) {
      const connected = await this.model.portal.isConnected();
      void vscode.window.showInformationMessage(
        connected
          ? 'The vendor portal has no registries yet: pull logs exist only for registries added there.'
          : 'Pull logs come from the vendor portal: run "Replicated: Connect Vendor Portal" first.',
      );
      return undefined;
    }
    if (views.length === 1) return views[0]?.entry;
    const picked = await vscode.window.showQuickPick(
      views.map((view) => ({ label: view.entry.slug, description: view.entry.endpoint, entry: view.entry })),
      { placeHolder: 'Pick the vendor-portal registry whose pull logs to show' },
    );
    return picked?.entry;
  }
}

function registryOfNode(arg: unknown): RegistryEntry | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const node = arg as { kind?: unknown; view?: { entry?: RegistryEntry } };
  return node.kind === 'registry' ? node.view?.entry : undefined;
}
