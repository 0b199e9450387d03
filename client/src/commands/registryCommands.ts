/**
 * Handlers of every contributed command. Each works from the palette (asking for what it needs),
 * from the Registries view (with the clicked node) and, for addRegistry, from the language
 * server's "Connect this registry" quick fix (with an AddRegistryPrefill).
 */
import * as vscode from 'vscode';
import type { AddRegistryPrefill, WorkspaceImage } from '../../../server/src/protocol/messages';
import { PROVIDERS, type PullCheckResult, type RegistryEntry } from '../../../server/src/registry/types';
import type { CredentialsVault, StoredCredentials } from '../credentialsVault';
import type { DirectRegistryTester } from '../directTest';
import type { LastChecks } from '../lastChecks';
import { errorMessage, type ClientLogger } from '../log';
import { guessProvider, hostFromDockerConfigKey, PROVIDER_INFO } from '../providers';
import { PortalCommands } from '../portal/portalCommands';
import { lastCheckKey, portalTestSentence } from '../portal/portalFormat';
import { REGISTRIES_FILE_NAME, type RegistriesBackend, type RegistriesModel, type RegistryView } from '../registriesModel';
import type { ServerConnection } from '../serverConnection';
import { tagReference, type RegistriesTreeProvider, type RegistryTreeNode } from '../tree/registriesTree';
import { endpointMatchesDomain } from '../../../server/src/registry/endpoints';
import { loadClientEngine } from '../engine/loadClientEngine';
import { failureSentence } from '../failureText';
import { runRegistryFlow, type FlowResult, type FlowServices, type RegistryPrefill } from './registryFlow';

export const COMMAND_IDS = {
  addRegistry: 'replicated-registries.addRegistry',
  testRegistry: 'replicated-registries.testRegistry',
  editRegistry: 'replicated-registries.editRegistry',
  removeRegistry: 'replicated-registries.removeRegistry',
  reenterCredentials: 'replicated-registries.reenterCredentials',
  refresh: 'replicated-registries.refresh',
  copyEndpoint: 'replicated-registries.copyEndpoint',
  copyImageReference: 'replicated-registries.copyImageReference',
  importFromDockerConfig: 'replicated-registries.importFromDockerConfig',
  showLog: 'replicated-registries.showLog',
  restartServer: 'replicated-registries.restartServer',
  loadMoreTags: 'replicated-registries.loadMoreTags',
  connectVendorPortal: 'replicated-registries.connectVendorPortal',
  disconnectVendorPortal: 'replicated-registries.disconnectVendorPortal',
  showPullLogs: 'replicated-registries.showPullLogs',
} as const;

interface DestinationItem extends vscode.QuickPickItem {
  backend: RegistriesBackend;
}

interface RegistryPickItem extends vscode.QuickPickItem {
  view: RegistryView;
}

export class RegistryCommands {
  constructor(
    private readonly model: RegistriesModel,
    private readonly tree: RegistriesTreeProvider,
    private readonly server: ServerConnection,
    private readonly vault: CredentialsVault,
    private readonly lastChecks: LastChecks,
    private readonly tester: DirectRegistryTester,
    private readonly logger: ClientLogger,
  ) {}

  /** Registers every command; each handler reports its own failures. */
  register(): vscode.Disposable[] {
    const portal = new PortalCommands(this.model, this.tree, this.logger);
    const handlers: Record<string, (...args: unknown[]) => unknown> = {
      [COMMAND_IDS.addRegistry]: (arg) => this.addRegistry(arg),
      [COMMAND_IDS.testRegistry]: (arg, image) => this.testRegistry(arg, typeof image === 'string' ? image : undefined),
      [COMMAND_IDS.editRegistry]: (arg) => this.editRegistry(arg),
      [COMMAND_IDS.removeRegistry]: (arg) => this.removeRegistry(arg),
      [COMMAND_IDS.reenterCredentials]: (arg) => this.reenterCredentials(arg),
      [COMMAND_IDS.refresh]: (arg) => this.refresh(arg),
      [COMMAND_IDS.copyEndpoint]: (arg) => this.copyEndpoint(arg),
      [COMMAND_IDS.copyImageReference]: (arg) => this.copyImageReference(arg),
      [COMMAND_IDS.importFromDockerConfig]: () => this.importFromDockerConfig(),
      [COMMAND_IDS.showLog]: () => this.logger.show(),
      [COMMAND_IDS.restartServer]: () => this.restartServer(),
      [COMMAND_IDS.loadMoreTags]: (arg) => this.loadMoreTags(arg),
      [COMMAND_IDS.connectVendorPortal]: () => portal.connect(),
      [COMMAND_IDS.disconnectVendorPortal]: () => portal.disconnect(),
      [COMMAND_IDS.showPullLogs]: (arg) => portal.showPullLogs(arg),
    };
    return Object.entries(handlers).map(([id, handler]) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          const message = errorMessage(error);
          this.logger.error(`${id} failed: ${message}`);
          void this.showError(`Replicated Registries: ${message}`);
          return undefined;
        }
      }),
    );
  }

  // ---- add / edit / credentials -------------------------------------------------------------

  async addRegistry(arg?: unknown, importedPrefill?: RegistryPrefill): Promise<void> {
    const backend = await this.pickDestination();
    if (!backend) return;
    if (backend.kind === 'workspace' && !vscode.workspace.workspaceFolders?.length) {
      const choice = await vscode.window.showWarningMessage(
        `Open your application's folder first: its registries are kept in ${REGISTRIES_FILE_NAME} at the folder's root.`,
        'Open Folder…',
      );
      if (choice) await vscode.commands.executeCommand('vscode.openFolder');
      return;
    }
    const prefill = importedPrefill ?? asPrefill(arg);
    const result = await runRegistryFlow('add', this.flowServices(), prefill ? { prefill } : {});
    if (!result) return;
    await this.saveResult(result, undefined, backend);
  }

  /** Where a new registry goes: the workspace file, or — once connected — the team's registries in the vendor portal. */
  private async pickDestination(): Promise<RegistriesBackend | undefined> {
    if (!(await this.model.portal.isConnected())) return this.model.primaryBackend;
    const items: DestinationItem[] = [
      {
        label: '$(cloud) Vendor portal',
        description: "the team's registries at Replicated",
        detail: 'The credentials are sent to Replicated, which uses them for the proxy registry; nothing is kept on this machine.',
        backend: this.model.portalBackend,
      },
      {
        label: `$(file) Workspace file`,
        description: REGISTRIES_FILE_NAME,
        detail: 'Shared with your team through version control; the credentials stay in your OS keychain.',
        backend: this.model.workspaceBackend,
      },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Add External Registry: where to add it', placeHolder: 'Add the registry to the vendor portal or to the workspace file', ignoreFocusOut: true });
    return picked?.backend;
  }

  async editRegistry(arg?: unknown): Promise<void> {
    const view = await this.registryFrom(arg, 'Pick the registry to edit');
    if (!view || this.refusePortalEdit(view.entry)) return;
    const original = view.entry;
    const result = await runRegistryFlow('edit', this.flowServices(), { original });
    if (!result) return;
    await this.saveResult(result, original);
  }

  async reenterCredentials(arg?: unknown): Promise<void> {
    const view = await this.registryFrom(arg, 'Pick the registry whose credentials to re-enter');
    if (!view || this.refusePortalEdit(view.entry)) return;
    const result = await runRegistryFlow('credentials', this.flowServices(), { original: view.entry });
    if (!result?.credentials) return;
    await this.vault.store(view.entry, result.credentials);
    if (result.testResult) await this.lastChecks.record(view.entry.slug, view.entry.endpoint, result.testResult);
    this.tree.refresh();
    void vscode.window.showInformationMessage(
      `Credentials for "${view.entry.slug}" saved in your OS keychain.${result.testResult ? ` ${verdictSentence(result.testResult)}` : ''}`,
    );
  }

  /**
   * Portal registries are not edited here: the Vendor API has no update call, and credentials
   * entered for them must go to Replicated, never to this machine's keychain.
   */
  private refusePortalEdit(entry: RegistryEntry): boolean {
    if (entry.source !== 'portal') return false;
    void vscode.window.showInformationMessage(
      `"${entry.slug}" is in the Replicated vendor portal, which keeps its credentials. To change it, remove it and add it again (to the vendor portal), or edit it in the vendor portal.`,
    );
    return true;
  }

  private async saveResult(result: FlowResult, original?: RegistryEntry, destination?: RegistriesBackend): Promise<void> {
    const backend = destination ?? (original ? this.model.backendFor(original) : this.model.primaryBackend);
    const entry: RegistryEntry = backend.kind === 'portal' ? { ...result.entry, source: 'portal' } : result.entry;
    if (backend.kind === 'portal') {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Adding "${entry.slug}" to the vendor portal (Replicated checks the credentials)…` },
        () => backend.save(entry, original, result.credentials),
      );
      if (result.testResult) await this.lastChecks.record(lastCheckKey(entry), entry.endpoint, result.testResult);
      this.tree.refreshNow();
      const saved = `Registry "${entry.slug}" added to the vendor portal; its credentials are kept by Replicated, not on this machine.`;
      void vscode.window.showInformationMessage(result.testResult ? `${saved} ${verdictSentence(result.testResult)}` : saved);
      return;
    }
    if (entry.plainHttp || entry.insecureSkipTLSVerify) {
      // The user chose the option on this machine: that is the consent the server would otherwise ask for
      // (recorded first, so the server's check of the saved file finds it).
      await this.server.insecureConsent.allow(loadClientEngine().credentialHost(entry.endpoint));
    }
    await backend.save(entry, original);
    if (backend.storesCredentialsLocally) {
      const moved = original && (original.slug !== entry.slug || original.endpoint !== entry.endpoint);
      if (result.credentials) {
        await this.vault.store(entry, result.credentials);
      } else if (moved && original) {
        const previous = await this.vault.get(original);
        if (previous) await this.vault.store(entry, { username: entry.username ?? previous.username, secret: previous.secret });
      } else if (original && original.username !== entry.username) {
        // New username, secret kept: the server reads both from the vault, so store them as a pair.
        const previous = await this.vault.get(original);
        if (previous) await this.vault.store(entry, { username: entry.username ?? '', secret: previous.secret });
      }
      if (moved && original) {
        await this.vault.delete(original);
        await this.lastChecks.forget(original.slug, original.endpoint);
      }
    }
    if (result.testResult) await this.lastChecks.record(entry.slug, entry.endpoint, result.testResult);
    this.tree.refresh();
    const saved = `Registry "${entry.slug}" saved to ${REGISTRIES_FILE_NAME}; its credentials are in your OS keychain.`;
    if (result.testResult && result.testResult.verdict !== 'ok') {
      void this.showTestFailure(entry, result.testResult, `${saved} Its test failed: `);
    } else {
      void vscode.window.showInformationMessage(result.testResult ? `${saved} ${verdictSentence(result.testResult)}` : saved);
    }
  }

  private flowServices(): FlowServices {
    return {
      existingSlugs: async () => (await this.model.list()).map((view) => view.entry.slug),
      hasSavedSecret: (entry) => this.vault.has(entry),
      workspaceImages: () => (this.server.isRunning ? this.server.workspaceImages() : Promise.resolve([])),
      canTest: () => vscode.workspace.isTrusted,
      test: async (entry, credentials, image) => {
        const saved = credentials ?? (await this.vault.get(entry));
        return this.tester.test(entry, saved ? { ...saved, origin: 'prompt' } : undefined, image, await this.model.workspaceBackend.locate());
      },
    };
  }

  // ---- test ---------------------------------------------------------------------------------

  async testRegistry(arg?: unknown, givenImage?: string): Promise<PullCheckResult | undefined> {
    const view = await this.registryFrom(arg, 'Pick the registry to test');
    if (!view) return undefined;
    const entry = view.entry;
    if (entry.source === 'portal') return this.testPortalRegistry(entry, givenImage);
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(
        'Testing a registry makes network requests with your credentials, which Restricted Mode does not allow. Trust this workspace to test it.',
        'Manage Workspace Trust',
      );
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const image = givenImage ?? (await this.pickTestImage(entry));
    if (!image) return undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${image} on ${entry.slug}…`, cancellable: true },
      async (_progress, token) => {
        try {
          return await this.server.testRegistry({ slug: entry.slug, image }, token);
        } catch (error) {
          if (token.isCancellationRequested) return undefined;
          // The server may not know this registry yet (unsaved file) or may be down: test it here.
          this.logger.warn(`Testing through the language server failed (${errorMessage(error)}); testing from the extension host.`);
          // The same gate as the server's: no credentials for a broken entry or unallowed insecure options.
          const mayUse = this.server.insecureConsent.mayUseCredentials(entry, loadClientEngine().credentialHost(entry.endpoint));
          const credentials = mayUse ? await this.vault.get(entry) : undefined;
          return this.tester.test(entry, credentials, image, await this.model.workspaceBackend.locate());
        }
      },
    );
    if (!result) return undefined;
    this.logger.info(
      `Test ${entry.slug} ${result.image}: ${result.verdict}` +
        `${result.httpStatus ? ` HTTP ${result.httpStatus}` : ''}${result.registryErrorCode ? ` ${result.registryErrorCode}` : ''}` +
        ` — ${result.message}${result.hint ? ` Hint: ${result.hint}` : ''} (${result.requests} request(s), ${result.durationMs} ms${result.anonymous ? ', anonymous' : ''})`,
    );
    await this.lastChecks.record(entry.slug, entry.endpoint, { ...result, checkedAt: result.checkedAt ?? new Date().toISOString() });
    this.tree.refresh();
    if (result.verdict === 'ok') void vscode.window.showInformationMessage(`Test passed for "${entry.slug}": ${pullSentence(result)}`);
    else void this.showTestFailure(entry, result, `Test failed for "${entry.slug}": `);
    return result;
  }

  /** The server-side test: Replicated's servers pull with the credentials they hold; the status is explained. */
  private async testPortalRegistry(entry: RegistryEntry, givenImage?: string): Promise<PullCheckResult | undefined> {
    const image = givenImage ?? (await this.pickTestImage(entry));
    if (!image) return undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${image} on ${entry.slug} from the vendor portal…` },
      () => this.model.portalBackend.test(entry, image),
    );
    this.logger.info(`Vendor portal test ${entry.slug} ${result.image}: ${result.verdict} HTTP ${result.httpStatus ?? '-'} — ${result.message}${result.hint ? ` Hint: ${result.hint}` : ''}`);
    await this.lastChecks.record(lastCheckKey(entry), entry.endpoint, result);
    this.tree.refresh();
    const sentence = portalTestSentence(entry.slug, result);
    if (result.verdict === 'ok') {
      void vscode.window.showInformationMessage(sentence);
    } else {
      void vscode.window.showErrorMessage(sentence, 'Show Pull Logs').then((choice) => {
        if (choice) void vscode.commands.executeCommand(COMMAND_IDS.showPullLogs, { kind: 'registry', view: { entry, hasCredentials: true } });
      });
    }
    return result;
  }

  private async showTestFailure(entry: RegistryEntry, result: PullCheckResult, prefix: string): Promise<void> {
    const credentialsProblem = result.verdict === 'unauthorized' || result.verdict === 'denied';
    const actions = credentialsProblem ? ['Re-enter Credentials', 'Show Details'] : ['Show Details', 'Re-enter Credentials'];
    // Message and hint once: some hints open by restating the message (tag-not-found).
    const choice = await vscode.window.showErrorMessage(`${prefix}${failureSentence(result.message, result.hint)}`, ...actions);
    if (choice === 'Re-enter Credentials') {
      const view = (await this.model.find(entry.slug)) ?? { entry, hasCredentials: false };
      await vscode.commands.executeCommand(COMMAND_IDS.reenterCredentials, { kind: 'registry', view });
    } else if (choice === 'Show Details') {
      this.logger.show();
    }
  }

  /** A QuickPick of the workspace's references on that registry, accepting any typed image. */
  private async pickTestImage(entry: RegistryEntry): Promise<string | undefined> {
    const suggestions = await this.imagesOnRegistry(entry);
    const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    quickPick.title = `Test External Registry: ${entry.slug}`;
    quickPick.placeholder = `Image to test on ${entry.endpoint}, relative to it (e.g. my-company/my-image:1.0)`;
    quickPick.ignoreFocusOut = true;
    const itemsFor = (value: string): vscode.QuickPickItem[] => {
      const typed = value.trim();
      return [...(typed ? [{ label: typed, description: 'test this image' }] : []), ...suggestions.filter((item) => item.label !== typed)];
    };
    quickPick.items = itemsFor('');
    const disposables = [quickPick.onDidChangeValue((value) => (quickPick.items = itemsFor(value)))];
    try {
      return await new Promise<string | undefined>((resolve) => {
        disposables.push(
          quickPick.onDidAccept(() => {
            const picked = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
            const image = picked?.label.trim() || quickPick.value.trim();
            if (image) resolve(image);
          }),
          quickPick.onDidHide(() => resolve(undefined)),
        );
        quickPick.show();
      });
    } finally {
      for (const disposable of disposables) disposable.dispose();
      quickPick.dispose();
    }
  }

  private async imagesOnRegistry(entry: RegistryEntry): Promise<vscode.QuickPickItem[]> {
    let images: WorkspaceImage[];
    try {
      images = await this.server.workspaceImages();
    } catch (error) {
      this.logger.debug(`No image suggestions: ${errorMessage(error)}`);
      return [];
    }
    const seen = new Set<string>();
    const items: vscode.QuickPickItem[] = [];
    for (const image of images) {
      const onRegistry = image.registrySlug === entry.slug || (image.domain !== undefined && endpointMatchesDomain(entry.endpoint, image.domain));
      if (!onRegistry || !image.path) continue;
      const relative = `${image.path}${image.digest ? `@${image.digest}` : `:${image.tag ?? 'latest'}`}`;
      if (seen.has(relative)) continue;
      seen.add(relative);
      items.push({ label: relative, description: `used in ${vscode.workspace.asRelativePath(vscode.Uri.parse(image.uri))}:${image.line + 1}` });
    }
    return items;
  }

  // ---- remove -------------------------------------------------------------------------------

  async removeRegistry(arg?: unknown): Promise<void> {
    const view = await this.registryFrom(arg, 'Pick the registry to remove');
    if (!view) return;
    const { entry } = view;
    const backend = this.model.backendFor(entry);
    const detail =
      backend.kind === 'portal'
        ? `It is removed from your team's registries in the Replicated vendor portal: the Replicated proxy can no longer pull images from ${entry.endpoint} for your customers, and Replicated deletes the credentials it held.`
        : `It is removed from ${REGISTRIES_FILE_NAME}, which your team shares, and its credentials are deleted from this machine's keychain. Images on ${entry.endpoint} are then reported as not connected.`;
    const where = backend.kind === 'portal' ? ' from the vendor portal' : '';
    const choice = await vscode.window.showWarningMessage(`Remove registry "${entry.slug}" (${entry.endpoint})${where}?`, { modal: true, detail }, 'Remove');
    if (choice !== 'Remove') return;
    await backend.remove(entry);
    if (backend.storesCredentialsLocally) await this.vault.delete(entry);
    await this.lastChecks.forget(lastCheckKey(entry), entry.endpoint);
    this.tree.refresh();
    void vscode.window.showInformationMessage(`Registry "${entry.slug}" removed${where}.`);
  }

  // ---- small commands -----------------------------------------------------------------------

  refresh(arg?: unknown): void {
    if (isNode(arg) && arg.kind === 'tags') {
      this.tree.refreshNow(arg);
      return;
    }
    if (isNode(arg) && arg.kind === 'message' && arg.retry?.kind === 'tags') {
      this.tree.refreshNow(arg.retry);
      return;
    }
    this.tree.refreshNow();
  }

  async copyEndpoint(arg?: unknown): Promise<void> {
    const view = await this.registryFrom(arg, 'Pick the registry whose endpoint to copy');
    if (!view) return;
    await vscode.env.clipboard.writeText(view.entry.endpoint);
    vscode.window.setStatusBarMessage(`Copied ${view.entry.endpoint}`, 4000);
  }

  async copyImageReference(arg?: unknown): Promise<void> {
    let text: string | undefined;
    if (isNode(arg)) {
      if (arg.kind === 'reference') text = arg.image.text;
      else if (arg.kind === 'tag') text = tagReference(arg);
      else if (arg.kind === 'repository') text = `${arg.registry.entry.endpoint === 'index.docker.io' ? 'docker.io' : arg.registry.entry.endpoint}/${arg.repository}`;
    }
    if (text === undefined) {
      let images: WorkspaceImage[] = [];
      try {
        images = await this.server.workspaceImages();
      } catch (error) {
        this.logger.warn(`Could not list the workspace's images: ${errorMessage(error)}`);
      }
      if (images.length === 0) {
        void vscode.window.showInformationMessage('No image reference found in this workspace\'s YAML files. Open a Kubernetes manifest, Helm values or Compose file with an image first.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        images.map((image) => ({ label: image.text, description: `${vscode.workspace.asRelativePath(vscode.Uri.parse(image.uri))}:${image.line + 1}` })),
        { title: 'Copy Image Reference', placeHolder: 'Pick the image reference to copy', matchOnDescription: true },
      );
      text = picked?.label;
    }
    if (!text) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${text}`, 4000);
  }

  async restartServer(): Promise<void> {
    if (await this.server.restart()) {
      this.tree.refresh();
      vscode.window.setStatusBarMessage('Replicated Registries language server restarted', 4000);
    }
  }

  async loadMoreTags(arg?: unknown): Promise<void> {
    if (isNode(arg) && arg.kind === 'loadMore') await this.tree.loadMore(arg);
    else void vscode.window.showInformationMessage('Expand a repository\'s "Tags in the registry" in the Registries view and click "Load more…" there.');
  }

  // ---- import from Docker config ------------------------------------------------------------

  async importFromDockerConfig(): Promise<void> {
    // Docker's config reader lives in dist/clientEngine.js: loaded on first use, not at activation.
    const { DockerCredentialStore } = loadClientEngine();
    const store = new DockerCredentialStore({ logger: this.logger });
    const hosts = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Reading Docker credentials…' },
      () => store.listHosts(),
    );
    if (hosts.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        `No registry login found in ${store.configPath} or its credential helpers. Run "docker login <registry>" first, or add the registry by hand.`,
        'Add External Registry',
      );
      if (choice) await this.addRegistry();
      return;
    }
    const connected = new Map((await this.model.list()).map((view) => [hostFromDockerConfigKey(view.entry.endpoint), view.entry.slug]));
    const items = hosts.map((key) => {
      const host = hostFromDockerConfigKey(key);
      const provider = guessProvider(host);
      const slug = connected.get(host);
      return {
        label: host,
        description: PROVIDER_INFO[provider].label,
        detail: slug ? `Already connected as "${slug}"` : undefined,
        host,
        provider,
      };
    });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Import from Docker Config',
      placeHolder: `Pick a registry you are logged in to (from ${store.configPath} and its credential helpers)`,
      ignoreFocusOut: true,
    });
    if (!picked) return;
    let found: StoredCredentials | undefined;
    try {
      const credentials = await store.get({ slug: picked.host, endpoint: picked.host, provider: picked.provider });
      if (credentials) found = { username: credentials.username, secret: credentials.secret };
    } catch (error) {
      this.logger.warn(`Reading Docker's credentials for ${picked.host} failed: ${errorMessage(error)}`);
      void vscode.window.showWarningMessage(`Could not read Docker's login for ${picked.host} (${errorMessage(error)}); enter the credentials by hand in the next steps.`);
    }
    const prefill: RegistryPrefill = { provider: picked.provider, endpoint: picked.host };
    if (found) {
      prefill.username = found.username;
      prefill.secret = found.secret;
      prefill.secretSource = `Docker's credential store`;
    }
    await this.addRegistry(undefined, prefill);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The registry a command is about: the clicked node, a slug string, or one the user picks. */
  private async registryFrom(arg: unknown, placeholder: string): Promise<RegistryView | undefined> {
    if (isNode(arg)) {
      if (arg.kind === 'registry') return (await this.model.find(arg.view.entry.slug)) ?? arg.view;
      if (arg.kind === 'message' && arg.registry) return arg.registry;
      if (arg.kind === 'repository' || arg.kind === 'tags' || arg.kind === 'tag' || arg.kind === 'reference') return arg.registry;
    }
    const views = await this.model.list();
    if (typeof arg === 'string') {
      const named = views.find((view) => view.entry.slug === arg || view.entry.endpoint === arg);
      if (named) return named;
    }
    if (views.length === 0) {
      const choice = await vscode.window.showInformationMessage('No external registry is connected yet.', 'Add External Registry');
      if (choice) await this.addRegistry();
      return undefined;
    }
    if (views.length === 1) return views[0];
    const picked = await vscode.window.showQuickPick<RegistryPickItem>(
      views.map((view) => ({
        label: view.entry.slug,
        description: view.entry.endpoint,
        detail: PROVIDER_INFO[view.entry.provider]?.label ?? view.entry.provider,
        view,
      })),
      { placeHolder: placeholder, matchOnDescription: true },
    );
    return picked?.view;
  }

  private async showError(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Log');
    if (choice) this.logger.show();
  }
}

function isNode(value: unknown): value is RegistryTreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

function asPrefill(value: unknown): AddRegistryPrefill | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<AddRegistryPrefill>;
  if (typeof candidate.endpoint !== 'string' || candidate.endpoint === '') return undefined;
  const provider = (PROVIDERS as readonly string[]).includes(candidate.provider ?? '') ? (candidate.provider as AddRegistryPrefill['provider']) : guessProvider(candidate.endpoint);
  const prefill: AddRegistryPrefill = { provider, endpoint: candidate.endpoint };
  if (typeof candidate.image === 'string' && candidate.image !== '') prefill.image = candidate.image;
  return prefill;
}

/** "ghcr.io/acme/app:1.0 can be pulled (digest sha256:…)." */
function pullSentence(result: PullCheckResult): string {
  return `${result.image} can be pulled${result.digest ? ` (digest ${result.digest})` : ''}.`;
}

/** "Test passed: …" / "Test failed: …" after a save. */
function verdictSentence(result: PullCheckResult): string {
  return result.verdict === 'ok' ? `Test passed: ${pullSentence(result)}` : `Test failed: ${result.message}`;
}
