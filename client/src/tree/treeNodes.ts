/**
 * The Registries view's nodes: what each row is about. Top level: why checks are off (when they are),
 * each registries file that has problems, the vendor portal's warnings, then the registries. Under a
 * registry: what is wrong with it (credentials, its entry, its last check), the images this workspace
 * references on it, and — where the registry offers one — its catalog; under a repository its tags.
 * Issue 13's "Images" node joins the top level as another kind.
 */
import type { ListTagsResult, WorkspaceImage } from '../../../server/src/protocol/messages';
import type { RegistriesFileProblem, RegistriesFileState } from '../../../server/src/protocol/registryRequests';
import type { RegistryView } from '../model/registriesModel';

export interface RegistryNode {
  kind: 'registry';
  view: RegistryView;
}
export interface FileProblemsNode {
  kind: 'fileProblems';
  file: RegistriesFileState;
}
export interface FileProblemNode {
  kind: 'fileProblem';
  file: RegistriesFileState;
  problem: RegistriesFileProblem;
  index: number;
}
/** "Images this workspace references" on a registry. */
export interface ReferencedNode {
  kind: 'referenced';
  registry: RegistryView;
  images: WorkspaceImage[];
}
export interface RepositoryNode {
  kind: 'repository';
  registry: RegistryView;
  repository: string;
  /** The workspace's references to it (none for a repository found in the catalog). */
  references: WorkspaceImage[];
  from: 'workspace' | 'catalog';
}
export interface ReferenceNode {
  kind: 'reference';
  registry: RegistryView;
  image: WorkspaceImage;
}
/** The registry's catalog (`/v2/_catalog`), paged. */
export interface CatalogNode {
  kind: 'catalog';
  registry: RegistryView;
}
/** "Tags in the registry" of a repository, paged. */
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
  list: TagsNode | CatalogNode;
}
export interface MessageNode {
  kind: 'message';
  id: string;
  label: string;
  severity: 'error' | 'warning' | 'info';
  description?: string;
  tooltip?: string;
  command?: { title: string; command: string; arguments?: unknown[] };
  /** `error;retry`, `error;credentials`, `info`... drives the row's menu. */
  contextValue: string;
  /** Registry the message is about (its menu acts on it). */
  registry?: RegistryView;
  /** Node to reload on "Retry". */
  retry?: TreeNode;
}

export type TreeNode = RegistryNode | FileProblemsNode | FileProblemNode | ReferencedNode | RepositoryNode | ReferenceNode | CatalogNode | TagsNode | TagNode | LoadMoreNode | MessageNode;

/** Pages of a paged listing (tags, catalog) fetched so far, with loop protection on the registry's paging. */
export interface Pages {
  items: string[];
  cursor?: string;
  seenCursors: Set<string>;
  error?: ListTagsResult['error'] | { verdict?: undefined; message: string; hint?: string };
  unsupported?: boolean;
  stoppedReason?: string;
}

export function isNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** The registry a node is about, if any. */
export function registryOfNode(node: TreeNode): RegistryView | undefined {
  switch (node.kind) {
    case 'registry':
      return node.view;
    case 'message':
      return node.registry;
    case 'referenced':
    case 'repository':
    case 'reference':
    case 'catalog':
    case 'tags':
    case 'tag':
      return node.registry;
    case 'loadMore':
      return node.list.registry;
    default:
      return undefined;
  }
}

/** The host references name for a registry (`docker.io` for Docker Hub's API host). */
export function referenceHost(endpoint: string): string {
  return endpoint === 'index.docker.io' ? 'docker.io' : endpoint;
}

/** `host/repository:tag` for a tag row. */
export function tagReference(node: TagNode): string {
  return `${referenceHost(node.registry.state.endpoint)}/${node.repository}:${node.tag}`;
}

export function listKey(node: TagsNode | CatalogNode): string {
  return node.kind === 'tags' ? `tags:${node.registry.state.slug}/${node.repository}` : `catalog:${node.registry.state.slug}`;
}
