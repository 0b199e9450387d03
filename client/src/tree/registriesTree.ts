/**
 * The Registries view: registry → repositories the workspace references on it (with each
 * reference) → that repository's tags, paged lazily. One provider, one private emitter, a debounced
 * `refresh()`; `contextValue` drives the menus; the empty state is the manifest's `viewsWelcome`.
 */
import * as vscode from 'vscode';
import type { ListTagsResult, WorkspaceImage } from '../../../server/src/protocol/messages';
import type { Provider } from '../../../server/src/registry/types';
import { PROVIDER_INFO } from '../providers';
import type { RegistriesModel, RegistryView } from '../registriesModel';
import { credentialsSourceText } from '../credentialsOrigin';
import { errorMessage, type ClientLogger } from '../log';
import type { ServerConnection } from '../serverConnection';
import { failureSentence } from '../failureText';
import { registryStatus, STATUS_LABEL, statusUri } from './registryStatus';

export type RegistryTreeNode = RegistryNode | RepositoryNode | ReferenceNode | TagsNode | TagNode | LoadMoreNode | MessageNode;

export interface RegistryNode {
  kind: 'registry';
  view: RegistryView;
}
export interface RepositoryNode {
  kind: 'repository';
  registry: RegistryView;
  repository: string;
  references: WorkspaceImage[];
}
export interface ReferenceNode {
  kind: 'reference';
  registry: RegistryView;
  image: WorkspaceImage;
}
export interface TagsNode {
  kind: 'tags';
  registry: RegistryView;
  repository: string;
}
export interface TagNode {
  kind: 'tag';
  registry: RegistryView;
  repository: string;
  tag: string;
}
export interface LoadMoreNode {
  kind: 'loadMore';
  tags: TagsNode;
}
export interface MessageNode {
  kind: 'message';
  id: string;
  label: string;
  severity: 'error' | 'info';
  description?: string;
  tooltip?: string;
  command?: vscode.Command;
  /** `error;retry`, `error;credentials` or `info`. */
  contextValue: string;
  /** Registry the message is about, for "Re-enter Credentials". */
  registry?: RegistryView;
  /** Node to reload on "Retry". */
  retry?: RegistryTreeNode;
}

/** Tags fetched so far for one repository, with loop protection on the registry's paging. */
interface TagPages {
  tags: string[];
  cursor?: string;
  seenCursors: Set<string>;
  error?: ListTagsResult['error'] | { verdict?: undefined; message: string; hint?: string };
  stoppedReason?: string;
}

const TAG_PAGE_SIZE = 100;
const MAX_TAG_PAGES = 50;
const REFRESH_DEBOUNCE_MS = 200;

const PROVIDER_ICONS: Record<Provider, vscode.ThemeIcon> = {
  dockerhub: new vscode.ThemeIcon('package', new vscode.ThemeColor('charts.blue')),
  ecr: new vscode.ThemeIcon('cloud', new vscode.ThemeColor('charts.orange')),
  gar: new vscode.ThemeIcon('cloud', new vscode.ThemeColor('charts.blue')),
  gcr: new vscode.ThemeIcon('cloud', new vscode.ThemeColor('charts.green')),
  ghcr: new vscode.ThemeIcon('github'),
  quay: new vscode.ThemeIcon('database', new vscode.ThemeColor('charts.red')),
  other: new vscode.ThemeIcon('server'),
};

/** Registries from the Replicated vendor portal (the team's, held by Replicated). */
const PORTAL_ICON = new vscode.ThemeIcon('organization', new vscode.ThemeColor('charts.purple'));

export class RegistriesTreeProvider implements vscode.TreeDataProvider<RegistryTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RegistryTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  private registries: Promise<RegistryView[]> | undefined;
  private workspaceImages: Promise<WorkspaceImage[]> | undefined;
  private readonly tagPages = new Map<string, TagPages>();
  /** Stable node objects, so a single node can be refreshed. */
  private readonly tagsNodes = new Map<string, TagsNode>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: RegistriesModel,
    private readonly server: ServerConnection,
    private readonly logger: ClientLogger,
  ) {}

  /** Reloads everything after a short quiet period (file saves and server notifications come in bursts). */
  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshNow();
    }, REFRESH_DEBOUNCE_MS);
  }

  refreshNow(node?: RegistryTreeNode): void {
    if (node && node.kind === 'tags') {
      this.tagPages.delete(tagsKey(node));
      this.changeEmitter.fire(node);
      return;
    }
    this.registries = undefined;
    this.workspaceImages = undefined;
    this.tagPages.clear();
    this.tagsNodes.clear();
    this.changeEmitter.fire(undefined);
  }

  /** The registries currently shown (loads them when needed). */
  currentRegistries(): Promise<RegistryView[]> {
    this.registries ??= this.model.list().then(
      (views) => {
        void vscode.commands.executeCommand('setContext', 'replicated-registries.hasRegistries', views.length > 0);
        // The welcome content waits for this, so it never flashes while the list is still loading.
        void vscode.commands.executeCommand('setContext', 'replicated-registries.registriesLoaded', true);
        return views;
      },
      (error: unknown) => {
        this.registries = undefined;
        void vscode.commands.executeCommand('setContext', 'replicated-registries.registriesLoaded', true);
        throw error;
      },
    );
    return this.registries;
  }

  getTreeItem(node: RegistryTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'registry':
        return registryItem(node.view);
      case 'repository': {
        const item = new vscode.TreeItem(node.repository, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `repository:${node.registry.entry.slug}/${node.repository}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.description = `${node.references.length} reference${node.references.length === 1 ? '' : 's'}`;
        item.contextValue = 'repository';
        item.tooltip = `${node.registry.entry.endpoint}/${node.repository}`;
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
        item.command = {
          title: 'Open Reference',
          command: 'vscode.open',
          arguments: [file, { selection: new vscode.Range(image.line, image.character, image.endLine, image.endCharacter) }],
        };
        return item;
      }
      case 'tags': {
        const item = new vscode.TreeItem('Tags in the registry', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `tags:${tagsKey(node)}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = 'tags';
        item.tooltip = `Tags of ${node.repository} on ${node.registry.entry.endpoint}, listed with this machine's credentials`;
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
        item.id = `tag:${tagsKey(node)}:${node.tag}`;
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = 'tag';
        item.tooltip = tagReference(node);
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `loadMore:${tagsKey(node.tags)}:${this.tagPages.get(tagsKey(node.tags))?.tags.length ?? 0}`;
        item.iconPath = new vscode.ThemeIcon('more');
        item.command = { title: 'Load More Tags', command: 'replicated-registries.loadMoreTags', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `message:${node.id}`;
        item.iconPath =
          node.severity === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('info');
        if (node.description) item.description = node.description;
        item.tooltip = node.tooltip ?? node.label;
        item.contextValue = node.contextValue;
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  async getChildren(node?: RegistryTreeNode): Promise<RegistryTreeNode[]> {
    try {
      if (!node) {
        const rows: RegistryTreeNode[] = (await this.currentRegistries()).map((view) => ({ kind: 'registry', view }));
        const portalError = this.model.portalError;
        if (portalError) {
          rows.push({
            kind: 'message',
            id: 'portal-error',
            severity: 'error',
            label: `Vendor portal: ${portalError}`,
            description: 'click to retry',
            tooltip: `${portalError}\nThe workspace file's registries are still shown. Click to retry, or reconnect with "Replicated: Connect Vendor Portal".`,
            contextValue: 'error;retry',
            command: { title: 'Retry', command: 'replicated-registries.refresh' },
          });
        }
        return rows;
      }
      switch (node.kind) {
        case 'registry':
          return await this.registryChildren(node.view);
        case 'repository':
          return [
            ...node.references.map((image): ReferenceNode => ({ kind: 'reference', registry: node.registry, image })),
            this.tagsNode(node.registry, node.repository),
          ];
        case 'tags':
          return await this.tagChildren(node);
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
            tooltip: `${message}\nFix the file, then click to retry.`,
            contextValue: 'error;retry',
            command: { title: 'Retry', command: 'replicated-registries.refresh' },
          },
        ];
      }
      return [errorNode(`error:${nodeKey(node)}`, message, node)];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  /** Fetches the next page of a repository's tags and shows it. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const pages = this.tagPages.get(tagsKey(node.tags));
    if (!pages || pages.cursor === undefined) return;
    await this.fetchTagPage(node.tags, pages);
    this.changeEmitter.fire(this.tagsNodes.get(tagsKey(node.tags)) ?? node.tags);
  }

  private async registryChildren(view: RegistryView): Promise<RegistryTreeNode[]> {
    const children: RegistryTreeNode[] = [];
    if (!view.hasCredentials && view.entry.source !== 'portal') {
      children.push({
        kind: 'message',
        id: `no-credentials:${view.entry.slug}`,
        severity: 'error',
        label: 'No credentials on this machine',
        description: 'click to enter them',
        tooltip: `Checks against ${view.entry.endpoint} run anonymously until you enter the ${view.entry.username ? `secret for ${view.entry.username}` : 'credentials'}.`,
        contextValue: 'error;credentials',
        registry: view,
        command: { title: 'Re-enter Credentials', command: 'replicated-registries.reenterCredentials', arguments: [{ kind: 'registry', view }] },
      });
    }
    this.workspaceImages ??= this.server.workspaceImages().catch((error: unknown) => {
      this.workspaceImages = undefined;
      throw error;
    });
    const images = (await this.workspaceImages).filter((image) => image.registrySlug === view.entry.slug && image.path);
    const byRepository = new Map<string, WorkspaceImage[]>();
    for (const image of images) {
      const repository = image.path ?? '';
      const list = byRepository.get(repository) ?? [];
      list.push(image);
      byRepository.set(repository, list);
    }
    for (const [repository, references] of [...byRepository].sort(([a], [b]) => a.localeCompare(b))) {
      children.push({ kind: 'repository', registry: view, repository, references });
    }
    if (byRepository.size === 0) {
      children.push({
        kind: 'message',
        id: `no-images:${view.entry.slug}`,
        severity: 'info',
        label: 'No image in this workspace uses this registry',
        tooltip: `References to ${view.entry.endpoint}/… in the workspace's YAML files appear here.`,
        contextValue: 'info',
      });
    }
    return children;
  }

  private tagsNode(registry: RegistryView, repository: string): TagsNode {
    const key = `${registry.entry.slug}/${repository}`;
    let node = this.tagsNodes.get(key);
    if (!node) {
      node = { kind: 'tags', registry, repository };
      this.tagsNodes.set(key, node);
    }
    return node;
  }

  private async tagChildren(node: TagsNode): Promise<RegistryTreeNode[]> {
    if (!vscode.workspace.isTrusted) {
      return [
        {
          kind: 'message',
          id: `untrusted:${tagsKey(node)}`,
          severity: 'info',
          label: 'Trust this workspace to list tags',
          tooltip: 'Restricted Mode makes no registry requests and uses no credentials.',
          contextValue: 'info',
          command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
        },
      ];
    }
    let pages = this.tagPages.get(tagsKey(node));
    if (!pages) {
      pages = { tags: [], seenCursors: new Set() };
      this.tagPages.set(tagsKey(node), pages);
      await this.fetchTagPage(node, pages);
    }
    const children: RegistryTreeNode[] = pages.tags.map((tag) => ({ kind: 'tag', registry: node.registry, repository: node.repository, tag }));
    if (pages.error) {
      const credentialsProblem = pages.error.verdict === 'unauthorized' || pages.error.verdict === 'denied';
      children.push(
        errorNode(`tags-error:${tagsKey(node)}`, pages.error.message, node, credentialsProblem ? node.registry : undefined, pages.error.hint),
      );
    } else if (pages.stoppedReason) {
      children.push({ kind: 'message', id: `tags-stopped:${tagsKey(node)}`, severity: 'info', label: pages.stoppedReason, contextValue: 'info' });
    } else if (pages.cursor !== undefined) {
      children.push({ kind: 'loadMore', tags: node });
    } else if (pages.tags.length === 0) {
      children.push({ kind: 'message', id: `no-tags:${tagsKey(node)}`, severity: 'info', label: 'No tags', contextValue: 'info' });
    }
    return children;
  }

  private async fetchTagPage(node: TagsNode, pages: TagPages): Promise<void> {
    const cursor = pages.cursor;
    try {
      const result = await this.server.listTags({
        slug: node.registry.entry.slug,
        repository: node.repository,
        pageSize: TAG_PAGE_SIZE,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (result.error) {
        pages.error = result.error;
        pages.cursor = undefined;
        return;
      }
      const known = new Set(pages.tags);
      const fresh = result.tags.filter((tag) => !known.has(tag));
      pages.tags.push(...fresh);
      if (cursor !== undefined) pages.seenCursors.add(cursor);
      const next = result.cursor;
      if (next === undefined) {
        pages.cursor = undefined;
      } else if (pages.seenCursors.has(next) || (fresh.length === 0 && result.tags.length > 0)) {
        pages.cursor = undefined;
        pages.stoppedReason = 'Stopped: the registry sent a page it had already sent';
        this.logger.warn(`Tag listing of ${node.repository} on ${node.registry.entry.endpoint} looped at cursor ${next}; stopped.`);
      } else if (pages.seenCursors.size + 1 >= MAX_TAG_PAGES) {
        pages.cursor = undefined;
        pages.stoppedReason = `Stopped after ${MAX_TAG_PAGES} pages (${pages.tags.length} tags)`;
      } else {
        pages.cursor = next;
      }
    } catch (error) {
      pages.error = { message: errorMessage(error) };
      pages.cursor = undefined;
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changeEmitter.dispose();
  }
}

function registryItem(view: RegistryView): vscode.TreeItem {
  const entry = view.entry;
  const status = registryStatus(view);
  const item = new vscode.TreeItem(entry.slug, vscode.TreeItemCollapsibleState.Collapsed);
  const fromPortal = entry.source === 'portal';
  item.id = `registry:${entry.source ?? 'workspace'}:${entry.slug}`;
  // The source first, so a narrow side bar still shows it; the team icon tells the two apart at a glance.
  item.description = fromPortal ? `vendor portal · ${entry.endpoint}` : entry.endpoint;
  item.iconPath = fromPortal ? PORTAL_ICON : (PROVIDER_ICONS[entry.provider] ?? PROVIDER_ICONS.other);
  item.resourceUri = statusUri(entry.slug, status);
  item.contextValue = ['registry', view.hasCredentials ? 'credentials' : 'noCredentials', entry.source === 'portal' ? 'portal' : 'workspace'].join(';');
  item.accessibilityInformation = { label: `${entry.slug}, ${entry.endpoint}, ${fromPortal ? 'vendor portal, ' : ''}${STATUS_LABEL[status]}` };

  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${escapeMarkdown(entry.slug)}** — ${PROVIDER_INFO[entry.provider]?.label ?? entry.provider}\n\n`);
  tooltip.appendMarkdown(`Endpoint: ${code(entry.endpoint)}\n\n`);
  tooltip.appendMarkdown(`Auth: ${entry.authType}${entry.username ? ` · user ${code(entry.username)}` : ''}\n\n`);
  const options = [entry.plainHttp ? 'plain HTTP' : '', entry.insecureSkipTLSVerify ? 'TLS not verified' : '', entry.caFile ? `CA ${entry.caFile}` : ''].filter(Boolean);
  if (options.length > 0) tooltip.appendMarkdown(`Connection: ${escapeMarkdown(options.join(', '))}\n\n`);
  if (fromPortal) {
    tooltip.appendMarkdown('$(cloud) From the Replicated vendor portal: the credentials are kept by Replicated; tests run from its servers.\n\n');
  } else {
    tooltip.appendMarkdown(`From ${code('.replicated-registries.yaml')} · credentials on this machine: ${credentialsSourceText(view)}\n\n`);
  }
  const check = view.lastCheck;
  if (check) {
    const when = new Date(check.checkedAt).toLocaleString();
    tooltip.appendMarkdown(
      check.verdict === 'ok'
        ? `$(pass) Last test passed: ${code(check.image)}${check.digest ? ` (${code(`${check.digest.slice(0, 19)}…`)})` : ''} — ${when}`
        : `$(error) Last test failed (${check.verdict}): ${escapeMarkdown(check.message)} — ${when}`,
    );
  } else {
    tooltip.appendMarkdown('Not tested yet');
  }
  item.tooltip = tooltip;
  return item;
}

function errorNode(id: string, message: string, retry: RegistryTreeNode, credentialsOf?: RegistryView, hint?: string): MessageNode {
  const node: MessageNode = {
    kind: 'message',
    id,
    severity: 'error',
    label: message,
    tooltip: failureSentence(message, hint),
    contextValue: credentialsOf ? 'error;credentials' : 'error;retry',
    retry,
    command: credentialsOf
      ? { title: 'Re-enter Credentials', command: 'replicated-registries.reenterCredentials', arguments: [{ kind: 'registry', view: credentialsOf }] }
      : { title: 'Retry', command: 'replicated-registries.refresh', arguments: [retry] },
  };
  if (credentialsOf) {
    node.registry = credentialsOf;
    node.description = 'click to re-enter credentials';
  } else {
    node.description = 'click to retry';
  }
  return node;
}

function tagsKey(node: { registry: RegistryView; repository: string }): string {
  return `${node.registry.entry.slug}/${node.repository}`;
}

function nodeKey(node: RegistryTreeNode): string {
  switch (node.kind) {
    case 'registry':
      return node.view.entry.slug;
    case 'repository':
    case 'tags':
      return `${node.registry.entry.slug}/${node.repository}`;
    default:
      return node.kind;
  }
}

/** `host/repository:tag` for a tag row (Docker Hub's API host shown as `docker.io`). */
export function tagReference(node: TagNode): string {
  const endpoint = node.registry.entry.endpoint;
  const host = endpoint === 'index.docker.io' ? 'docker.io' : endpoint;
  return `${host}/${node.repository}:${node.tag}`;
}

/** Inline code: backticks inside would end the span, so they are replaced. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
