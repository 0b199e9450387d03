/**
 * The Registries view. One provider, one private emitter, a debounced `refresh()`; `contextValue` drives
 * the menus; the empty state is the manifest's `viewsWelcome`. Everything it shows comes from the
 * language server (the overview, the workspace's images, pages of tags and of the catalog, a tag's
 * details): a registry's status is its health and credentials, and an image's verdict stays on the image.
 */
import * as vscode from 'vscode';
import type { ListTagsResult, WorkspaceImage } from '../../../server/src/protocol/messages';
import type { TagDetails } from '../../../server/src/protocol/registryRequests';
import type { ClientLogger } from '../log';
import { errorMessage } from '../log';
import type { RegistriesModel, RegistriesSnapshot, RegistryView } from '../model/registriesModel';
import { healthLine, STATUS_LABEL } from '../model/registryStatus';
import type { ServerConnection } from '../server/serverConnection';
import { credentialsText } from '../text/credentialsText';
import { code, escapeMarkdown } from '../text/markdownText';
import { failureSentence } from '../text/failureText';
import { formatAge, formatTime } from '../text/timeText';
import { statusUri } from './registryDecorations';
import {
  listKey,
  referenceHost,
  tagReference,
  type CatalogNode,
  type LoadMoreNode,
  type MessageNode,
  type Pages,
  type RegistryNode,
  type TagNode,
  type TagsNode,
  type TreeNode,
} from './treeNodes';
import { BurstDebounce } from './burstDebounce';

const PAGE_SIZE = 100;
const MAX_PAGES = 50;
/** Tags whose age is fetched as soon as their page shows (each costs two or three small GETs). */
const AGES_PER_PAGE = 10;

const PROVIDER_LABEL: Record<string, string> = {
  dockerhub: 'Docker Hub',
  ecr: 'Amazon ECR',
  gar: 'Google Artifact Registry',
  gcr: 'Google Container Registry',
  ghcr: 'GitHub Container Registry',
  quay: 'Quay',
  other: 'OCI registry',
};

export class RegistriesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  private snapshot: Promise<RegistriesSnapshot> | undefined;
  private workspaceImages: Promise<WorkspaceImage[]> | undefined;
  private readonly pages = new Map<string, Pages>();
  /** Stable node objects, so one list or one tag row can be refreshed. */
  private readonly lists = new Map<string, TagsNode | CatalogNode>();
  private readonly tagNodes = new Map<string, TagNode>();
  private readonly tagDetails = new Map<string, Promise<TagDetails>>();
  private readonly knownDetails = new Map<string, TagDetails>();
  private readonly refreshes = new BurstDebounce(() => this.refreshNow());

  constructor(
    private readonly model: RegistriesModel,
    private readonly server: ServerConnection,
    private readonly logger: ClientLogger,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /** Reloads everything after a short quiet period (file saves and server notifications come in bursts). */
  refresh(): void {
    this.refreshes.schedule();
  }

  refreshNow(node?: TreeNode): void {
    if (node && (node.kind === 'tags' || node.kind === 'catalog')) {
      this.pages.delete(listKey(node));
      this.changeEmitter.fire(node);
      return;
    }
    this.snapshot = undefined;
    this.workspaceImages = undefined;
    this.pages.clear();
    this.lists.clear();
    this.tagNodes.clear();
    this.tagDetails.clear();
    this.knownDetails.clear();
    this.changeEmitter.fire(undefined);
  }

  /** The registries currently shown (loads them when needed); sets the context keys the welcome view and palette use. */
  currentSnapshot(): Promise<RegistriesSnapshot> {
    this.snapshot ??= this.model.snapshot().then(
      (snapshot) => {
        void vscode.commands.executeCommand('setContext', 'replicated-registries.hasRegistries', snapshot.registries.length > 0);
        void vscode.commands.executeCommand('setContext', 'replicated-registries.hasProblems', snapshot.files.some((file) => file.problems.length > 0) || snapshot.checksOff !== undefined);
        // The welcome content waits for this, so it never flashes while the list is still loading.
        void vscode.commands.executeCommand('setContext', 'replicated-registries.registriesLoaded', true);
        return snapshot;
      },
      (error: unknown) => {
        this.snapshot = undefined;
        void vscode.commands.executeCommand('setContext', 'replicated-registries.registriesLoaded', true);
        throw error;
      },
    );
    return this.snapshot;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'registry':
        return this.registryItem(node.view);
      case 'fileProblems': {
        const errors = node.file.problems.filter((p) => p.severity === 'error').length;
        const count = node.file.problems.length;
        const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(vscode.Uri.parse(node.file.uri))} has ${count} problem${count === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `fileProblems:${node.file.uri}`;
        item.iconPath = new vscode.ThemeIcon(errors > 0 ? 'error' : 'warning', new vscode.ThemeColor(errors > 0 ? 'errorForeground' : 'list.warningForeground'));
        item.description = errors > 0 ? 'entries with an error are not used to send credentials' : 'click a problem to open it';
        item.tooltip = `${node.file.problems.map((p) => `Line ${p.line + 1}: ${p.message}`).join('\n')}\nThe same problems are in the Problems panel.`;
        item.contextValue = 'fileProblems';
        return item;
      }
      case 'fileProblem': {
        const item = new vscode.TreeItem(node.problem.message, vscode.TreeItemCollapsibleState.None);
        item.id = `fileProblem:${node.file.uri}:${node.index}`;
        item.iconPath = new vscode.ThemeIcon(node.problem.severity === 'error' ? 'error' : 'warning');
        item.description = `line ${node.problem.line + 1}`;
        item.tooltip = `${node.problem.message}\n${vscode.workspace.asRelativePath(vscode.Uri.parse(node.file.uri))}, line ${node.problem.line + 1}`;
        item.command = { title: 'Open Problem', command: 'replicated-registries.openRegistriesFileProblem', arguments: [node] };
        item.contextValue = 'fileProblem';
        return item;
      }
      case 'referenced': {
        const item = new vscode.TreeItem('Images this workspace references', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `referenced:${node.registry.state.slug}`;
        item.iconPath = new vscode.ThemeIcon('references');
        item.description = node.images.length === 0 ? 'none' : `${node.images.length} reference${node.images.length === 1 ? '' : 's'}`;
        item.contextValue = 'referenced';
        return item;
      }
      case 'repository': {
        const item = new vscode.TreeItem(node.repository, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `repository:${node.from}:${node.registry.state.slug}/${node.repository}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        if (node.from === 'workspace') item.description = `${node.references.length} reference${node.references.length === 1 ? '' : 's'}`;
        item.contextValue = 'repository';
        item.tooltip = `${referenceHost(node.registry.state.endpoint)}/${node.repository}`;
        return item;
      }
      case 'reference': {
        const image = node.image;
        const file = vscode.Uri.parse(image.uri);
        const item = new vscode.TreeItem(image.text, vscode.TreeItemCollapsibleState.None);
        item.id = `reference:${image.uri}:${image.line}:${image.character}`;
        item.iconPath = new vscode.ThemeIcon('symbol-file');
        item.description = `${vscode.workspace.asRelativePath(file)}:${image.line + 1}`;
        item.tooltip = `${image.text}\n${vscode.workspace.asRelativePath(file)}, line ${image.line + 1}`;
        item.contextValue = 'imageReference';
        item.command = { title: 'Open Reference', command: 'vscode.open', arguments: [file, { selection: new vscode.Range(image.line, image.character, image.endLine, image.endCharacter) }] };
        return item;
      }
      case 'catalog': {
        const item = new vscode.TreeItem('Catalog', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = listKey(node);
        item.iconPath = new vscode.ThemeIcon('library');
        item.description = 'every repository the registry lists';
        item.tooltip = `The repositories ${node.registry.state.endpoint} lists in its catalog (/v2/_catalog), with this machine's credentials; many hosted registries keep none.`;
        item.contextValue = 'catalog';
        return item;
      }
      case 'tags': {
        const item = new vscode.TreeItem('Tags in the registry', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = listKey(node);
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = 'tags';
        item.tooltip = `Tags of ${node.repository} on ${node.registry.state.endpoint}, listed with this machine's credentials`;
        return item;
      }
      case 'tag':
        return this.tagItem(node);
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `loadMore:${listKey(node.list)}:${this.pages.get(listKey(node.list))?.items.length ?? 0}`;
        item.iconPath = new vscode.ThemeIcon('more');
        item.command = { title: 'Load More', command: 'replicated-registries.loadMore', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `message:${node.id}`;
        item.iconPath =
          node.severity === 'error'
            ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
            : node.severity === 'warning'
              ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
              : new vscode.ThemeIcon('info');
        if (node.description) item.description = node.description;
        item.tooltip = node.tooltip ?? node.label;
        item.contextValue = node.contextValue;
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  /** A tag row's digest, platforms and age, fetched on hover (and for the first tags of a page). */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'tag') return item;
    const details = await this.detailsOf(node);
    const resolved = this.tagItem(node, details);
    item.tooltip = resolved.tooltip;
    item.description = resolved.description;
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) return await this.rootChildren();
      switch (node.kind) {
        case 'registry':
          return await this.registryChildren(node.view);
        case 'fileProblems':
          return node.file.problems.map((problem, index) => ({ kind: 'fileProblem', file: node.file, problem, index }));
        case 'referenced':
          return this.repositories(node.registry, node.images);
        case 'repository':
          return [...node.references.map((image): TreeNode => ({ kind: 'reference', registry: node.registry, image })), this.listNode({ kind: 'tags', registry: node.registry, repository: node.repository })];
        case 'tags':
        case 'catalog':
          return await this.listChildren(node);
        default:
          return [];
      }
    } catch (error) {
      const message = errorMessage(error);
      this.logger.error(`Registries view: ${message}`);
      if (!node) {
        return [
          {
            kind: 'message',
            id: 'root-error',
            severity: 'error',
            label: `Could not read the registries: ${message}`,
            tooltip: `${message}\nClick to retry; "Replicated: Show Log" has the details.`,
            contextValue: 'error;retry',
            command: { title: 'Retry', command: 'replicated-registries.refresh' },
          },
        ];
      }
      return [errorNode(`error:${node.kind}`, message, node)];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  /** Fetches the next page of a tags or catalog list and shows it. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const pages = this.pages.get(listKey(node.list));
    if (!pages || pages.cursor === undefined) return;
    await this.fetchPage(node.list, pages);
    this.changeEmitter.fire(this.lists.get(listKey(node.list)) ?? node.list);
  }

  /** A tag's details (cached for this view's life). */
  detailsOf(node: TagNode): Promise<TagDetails> {
    const key = `${node.registry.state.slug}/${node.repository}:${node.tag}`;
    let pending = this.tagDetails.get(key);
    if (!pending) {
      pending = this.server.send((p) => p.TagDetailsRequest, { slug: node.registry.state.slug, repository: node.repository, tag: node.tag }).catch((error: unknown): TagDetails => ({ error: { verdict: 'protocol-error', message: errorMessage(error) } }));
      this.tagDetails.set(key, pending);
      void pending.then((details) => {
        this.knownDetails.set(key, details);
        const shown = this.tagNodes.get(key);
        if (shown) this.changeEmitter.fire(shown);
      });
    }
    return pending;
  }

  private async rootChildren(): Promise<TreeNode[]> {
    const snapshot = await this.currentSnapshot();
    const rows: TreeNode[] = [];
    if (snapshot.checksOff?.startsWith('Restricted Mode')) {
      rows.push({
        kind: 'message',
        id: 'checks-off',
        severity: 'info',
        label: 'Registry checks are off until you trust this workspace',
        description: 'click to manage trust',
        tooltip: `${snapshot.checksOff}. Nothing is sent to any registry and no credentials are read, so no registry's status is known here.`,
        contextValue: 'info',
        command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
      });
    }
    for (const file of snapshot.files) if (file.problems.length > 0) rows.push({ kind: 'fileProblems', file });
    for (const warning of snapshot.portal.warnings) {
      rows.push({ kind: 'message', id: `portal-warning:${warning}`, severity: 'error', label: `Vendor portal: ${warning}`, description: 'click to retry', tooltip: `${warning}\nThe workspace file's registries are still shown.`, contextValue: 'error;retry', command: { title: 'Retry', command: 'replicated-registries.refresh' } });
    }
    rows.push(...snapshot.registries.map((view): RegistryNode => ({ kind: 'registry', view })));
    return rows;
  }

  private registryItem(view: RegistryView): vscode.TreeItem {
    const entry = view.state;
    const item = new vscode.TreeItem(entry.slug, vscode.TreeItemCollapsibleState.Collapsed);
    const fromPortal = entry.source === 'portal';
    item.id = `registry:${entry.source ?? 'workspace'}:${entry.slug}`;
    item.description = fromPortal ? `vendor portal · ${entry.endpoint}` : entry.endpoint;
    item.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'providers', `${entry.provider}.svg`);
    item.resourceUri = statusUri(entry.slug, view.status);
    const credentials = entry.source === 'portal' ? 'portal' : entry.credentials.state === 'found' ? 'credentials' : 'noCredentials';
    item.contextValue = ['registry', credentials, fromPortal ? 'portal' : 'workspace', entry.provider === 'other' ? 'options' : 'fixed'].join(';');
    item.accessibilityInformation = { label: `${entry.slug}, ${entry.endpoint}, ${fromPortal ? 'vendor portal, ' : ''}${STATUS_LABEL[view.status]}` };
    const tooltip = new vscode.MarkdownString(undefined, true);
    // A provider or auth type the portal has and this extension does not (Nexus, an ECR IAM role) is shown as the portal names it.
    const portalTypes = entry.portalTypes;
    tooltip.appendMarkdown(`**${escapeMarkdown(entry.slug)}** — ${portalTypes?.provider ? code(portalTypes.provider) : (PROVIDER_LABEL[entry.provider] ?? entry.provider)}\n\n`);
    tooltip.appendMarkdown(`Endpoint: ${code(entry.endpoint)}\n\n`);
    tooltip.appendMarkdown(`Auth: ${portalTypes?.authType ? code(portalTypes.authType) : entry.authType}${entry.username ? ` · user ${code(entry.username)}` : ''}\n\n`);
    if (portalTypes) {
      tooltip.appendMarkdown(
        "$(info) The vendor portal keeps this registry with a kind this extension cannot log in as: the pull check here proves only that images exist (with your own login for its host, or anonymously); whether the portal's login can pull them, only *Test* (Replicated's own check) tells.\n\n",
      );
    }
    const options = [entry.plainHttp ? 'plain HTTP' : '', entry.insecureSkipTLSVerify ? 'TLS not verified' : '', entry.caFile ? `CA ${entry.caFile}` : ''].filter(Boolean);
    if (options.length > 0) tooltip.appendMarkdown(`Connection: ${escapeMarkdown(options.join(', '))}\n\n`);
    tooltip.appendMarkdown(fromPortal ? '$(cloud) From the Replicated vendor portal: the credentials are kept by Replicated; tests run from its servers.\n\n' : `From ${code('.replicated-registries.yaml')} · credentials: ${escapeMarkdown(credentialsText(entry.credentials))}\n\n`);
    if (entry.problem) tooltip.appendMarkdown(`$(error) Error in its entry: ${escapeMarkdown(entry.problem)}\n\n`);
    const health = view.health;
    tooltip.appendMarkdown(health ? `${health.state === 'ok' ? '$(pass)' : '$(error)'} ${escapeMarkdown(healthLine(health))} — ${formatTime(health.checkedAt, vscode.env.language)}` : `Status: ${STATUS_LABEL[view.status]}`);
    item.tooltip = tooltip;
    return item;
  }

  private async registryChildren(view: RegistryView): Promise<TreeNode[]> {
    const entry = view.state;
    const children: TreeNode[] = [];
    if (entry.problem) {
      children.push({
        kind: 'message',
        id: `entry-error:${entry.slug}`,
        severity: 'error',
        label: `Its entry has an error: ${entry.problem}`,
        description: 'click to open the file',
        tooltip: `${entry.problem}\nNo credentials are used for it until the entry is fixed.`,
        contextValue: 'error',
        registry: view,
        ...(entry.file ? { command: { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(entry.file)] } } : {}),
      });
    }
    if (entry.source !== 'portal') {
      if (entry.credentials.state === 'not-asked') {
        children.push({ kind: 'message', id: `checks-off:${entry.slug}`, severity: 'info', label: 'Checks are off until you trust this workspace', tooltip: entry.credentials.reason ?? '', contextValue: 'info', command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' } });
      } else if (entry.credentials.state === 'withheld') {
        children.push({
          kind: 'message',
          id: `withheld:${entry.slug}`,
          severity: 'warning',
          label: `Credentials not used: ${entry.credentials.reason ?? ''}`,
          tooltip: `${entry.credentials.reason ?? ''}\nChecks of ${entry.endpoint} run anonymously until this is resolved.`,
          contextValue: 'error;credentials',
          registry: view,
        });
      } else if (entry.credentials.state === 'none' && !entry.problem) {
        children.push({
          kind: 'message',
          id: `no-credentials:${entry.slug}`,
          severity: 'warning',
          label: 'No credentials on this machine',
          description: 'click to enter them',
          tooltip: `Checks against ${entry.endpoint} run anonymously until you enter the ${entry.username ? `secret for ${entry.username}` : 'credentials'}.`,
          contextValue: 'error;credentials',
          registry: view,
          command: { title: 'Re-enter Credentials', command: 'replicated-registries.reenterCredentials', arguments: [{ kind: 'registry', view }] },
        });
      }
    }
    if (view.health && view.health.state !== 'ok') {
      const connection = view.health.verdict === 'tls-untrusted' || /TLS|HTTPS|plain HTTP/.test(view.health.message);
      children.push({
        kind: 'message',
        id: `health:${entry.slug}`,
        severity: 'error',
        label: healthLine(view.health),
        description: formatTime(view.health.checkedAt, vscode.env.language),
        tooltip: failureSentence(view.health.message, view.health.hint),
        contextValue: view.health.state === 'login-failed' ? 'error;credentials' : connection && entry.provider === 'other' ? 'error;connection' : 'error;retry',
        registry: view,
        ...(view.health.state === 'login-failed' && entry.source !== 'portal'
          ? { command: { title: 'Re-enter Credentials', command: 'replicated-registries.reenterCredentials', arguments: [{ kind: 'registry', view }] } }
          : connection && entry.provider === 'other' && entry.source !== 'portal'
            ? { command: { title: 'Change Connection Options', command: 'replicated-registries.changeConnectionOptions', arguments: [{ kind: 'registry', view }] } }
            : {}),
      });
    }
    this.workspaceImages ??= this.server.send((p) => p.WorkspaceImagesRequest, {}).catch((error: unknown) => {
      this.workspaceImages = undefined;
      throw error;
    });
    const images = (await this.workspaceImages).filter((image) => image.registrySlug === entry.slug && image.path);
    children.push({ kind: 'referenced', registry: view, images });
    if (entry.source !== 'portal') children.push(this.listNode({ kind: 'catalog', registry: view }));
    return children;
  }

  private repositories(registry: RegistryView, images: WorkspaceImage[]): TreeNode[] {
    const byRepository = new Map<string, WorkspaceImage[]>();
    for (const image of images) {
      const list = byRepository.get(image.path ?? '') ?? [];
      list.push(image);
      byRepository.set(image.path ?? '', list);
    }
    if (byRepository.size === 0) {
      return [{ kind: 'message', id: `no-images:${registry.state.slug}`, severity: 'info', label: 'No image in this workspace uses this registry', tooltip: `References to ${referenceHost(registry.state.endpoint)}/… in the workspace's YAML files appear here.`, contextValue: 'info' }];
    }
    return [...byRepository].sort(([a], [b]) => a.localeCompare(b)).map(([repository, references]) => ({ kind: 'repository', registry, repository, references, from: 'workspace' }));
  }

  private listNode<T extends TagsNode | CatalogNode>(node: T): T {
    const existing = this.lists.get(listKey(node));
    if (existing) return existing as T;
    this.lists.set(listKey(node), node);
    return node;
  }

  private async listChildren(node: TagsNode | CatalogNode): Promise<TreeNode[]> {
    if (!vscode.workspace.isTrusted) {
      return [{ kind: 'message', id: `untrusted:${listKey(node)}`, severity: 'info', label: 'Trust this workspace to browse the registry', tooltip: 'Restricted Mode makes no registry requests and uses no credentials.', contextValue: 'info', command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' } }];
    }
    let pages = this.pages.get(listKey(node));
    if (!pages) {
      pages = { items: [], seenCursors: new Set() };
      this.pages.set(listKey(node), pages);
      await this.fetchPage(node, pages);
    }
    const children: TreeNode[] =
      node.kind === 'tags'
        ? pages.items.map((tag) => this.tagNode(node, tag))
        : pages.items.map((repository) => ({ kind: 'repository', registry: node.registry, repository, references: [], from: 'catalog' }));
    if (node.kind === 'tags') for (const child of children.slice(0, AGES_PER_PAGE)) if (child.kind === 'tag') void this.detailsOf(child);
    if (pages.unsupported) {
      children.push({ kind: 'message', id: `no-catalog:${listKey(node)}`, severity: 'info', label: 'This registry does not list its repositories', tooltip: `${node.registry.state.endpoint} keeps no catalog (/v2/_catalog) for this login; browse the images this workspace references instead.`, contextValue: 'info' });
    } else if (pages.error) {
      const credentialsProblem = pages.error.verdict === 'unauthorized' || pages.error.verdict === 'denied';
      children.push(errorNode(`list-error:${listKey(node)}`, pages.error.message, node, credentialsProblem ? node.registry : undefined, pages.error.hint));
    } else if (pages.stoppedReason) {
      children.push({ kind: 'message', id: `list-stopped:${listKey(node)}`, severity: 'info', label: pages.stoppedReason, contextValue: 'info' });
    } else if (pages.cursor !== undefined) {
      children.push({ kind: 'loadMore', list: node });
    } else if (pages.items.length === 0) {
      children.push({ kind: 'message', id: `empty:${listKey(node)}`, severity: 'info', label: node.kind === 'tags' ? 'No tags' : 'No repositories', contextValue: 'info' });
    }
    return children;
  }

  private tagNode(list: TagsNode, tag: string): TagNode {
    const key = `${list.registry.state.slug}/${list.repository}:${tag}`;
    let node = this.tagNodes.get(key);
    if (!node) {
      node = { kind: 'tag', registry: list.registry, repository: list.repository, tag };
      this.tagNodes.set(key, node);
    }
    return node;
  }

  private tagItem(node: TagNode, given?: TagDetails): vscode.TreeItem {
    const details = given ?? this.knownDetails.get(`${node.registry.state.slug}/${node.repository}:${node.tag}`);
    const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
    item.id = `tag:${node.registry.state.slug}/${node.repository}:${node.tag}`;
    item.iconPath = new vscode.ThemeIcon('tag');
    item.contextValue = 'tag';
    const locale = vscode.env.language;
    if (details?.created) item.description = formatAge(details.created, locale, Date.now());
    const lines = [tagReference(node)];
    if (details?.digest) lines.push(`Digest: ${details.digest}`);
    if (details?.created) lines.push(`Built: ${formatTime(details.created, locale)} (${formatAge(details.created, locale, Date.now())})`);
    if (details?.platforms && details.platforms.length > 0) lines.push(`Platforms: ${details.platforms.join(', ')}`);
    if (details?.error) lines.push(`Details not available: ${details.error.message}`);
    item.tooltip = lines.join('\n');
    return item;
  }

  private async fetchPage(node: TagsNode | CatalogNode, pages: Pages): Promise<void> {
    const cursor = pages.cursor;
    const slug = node.registry.state.slug;
    try {
      let items: string[];
      let next: string | undefined;
      if (node.kind === 'tags') {
        const result: ListTagsResult = await this.server.send((p) => p.ListTagsRequest, { slug, repository: node.repository, pageSize: PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) });
        if (result.error) {
          pages.error = result.error;
          pages.cursor = undefined;
          return;
        }
        items = result.tags;
        next = result.cursor;
      } else {
        const result = await this.server.send((p) => p.ListRepositoriesRequest, { slug, pageSize: PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) });
        if (result.unsupported) {
          pages.unsupported = true;
          pages.cursor = undefined;
          return;
        }
        if (result.error) {
          pages.error = result.error;
          pages.cursor = undefined;
          return;
        }
        items = result.repositories;
        next = result.cursor;
      }
      const known = new Set(pages.items);
      const fresh = items.filter((item) => !known.has(item));
      pages.items.push(...fresh);
      if (cursor !== undefined) pages.seenCursors.add(cursor);
      if (next === undefined) {
        pages.cursor = undefined;
      } else if (pages.seenCursors.has(next) || (fresh.length === 0 && items.length > 0)) {
        pages.cursor = undefined;
        pages.stoppedReason = 'Stopped: the registry sent a page it had already sent';
        this.logger.warn(`Listing ${listKey(node)} on ${node.registry.state.endpoint} looped at cursor ${next}; stopped.`);
      } else if (pages.seenCursors.size + 1 >= MAX_PAGES) {
        pages.cursor = undefined;
        pages.stoppedReason = `Stopped after ${MAX_PAGES} pages (${pages.items.length} entries)`;
      } else {
        pages.cursor = next;
      }
    } catch (error) {
      pages.error = { message: errorMessage(error) };
      pages.cursor = undefined;
    }
  }

  dispose(): void {
    this.refreshes.dispose();
    this.changeEmitter.dispose();
  }
}

function errorNode(id: string, message: string, retry: TreeNode, credentialsOf?: RegistryView, hint?: string): MessageNode {
  return {
    kind: 'message',
    id,
    severity: 'error',
    label: message,
    tooltip: failureSentence(message, hint),
    contextValue: credentialsOf ? 'error;credentials' : 'error;retry',
    retry,
    ...(credentialsOf ? { registry: credentialsOf, description: 'click to re-enter credentials' } : { description: 'click to retry' }),
    command: credentialsOf
      ? { title: 'Re-enter Credentials', command: 'replicated-registries.reenterCredentials', arguments: [{ kind: 'registry', view: credentialsOf }] }
      : { title: 'Retry', command: 'replicated-registries.refresh', arguments: [retry] },
  };
}
