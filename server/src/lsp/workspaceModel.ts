/**
 * The workspace as the server sees it: its folders, the team's registries (the registries file that
 * applies to each folder, with its problems), and an index of every image reference found — from the
 * open documents and from the whole-workspace scan — for completion, the Registries tree and
 * WorkspaceImagesRequest.
 */
import path from 'node:path';
import type { WorkspaceFolder } from 'vscode-languageserver/node';
import type { FoundImage } from '../findings/types';
import type { WorkspaceImage } from '../protocol/messages';
import { endpointMatchesDomain } from '../registry/endpoints';
import type { RegistryEntry } from '../registry/types';
import { findRegistriesFile, readRegistriesFileText, REGISTRIES_FILE_NAME } from '../store/registriesFile/location';
import { parseRegistriesFile } from '../store/registriesFile/parse';
import { type ConfigProblem } from '../store/registriesFile/types';
import { emptyRegistriesConfig } from '../store/types';
import type { RegistriesConfig } from '../store/types';
import { uriToPath } from './convert';
import type { PortalMerge } from './portal';

export interface LoadedConfig {
  /** The registries file in effect, when there is one. */
  file?: string;
  /** Its text as read (for diagnostics positions). */
  text?: string;
  config: RegistriesConfig;
  problems: ConfigProblem[];
  /** What the vendor-portal merge said (portal unreachable, shadowed entries, unknown app). */
  portalWarnings?: string[];
  /** The app's custom proxy hostname the vendor portal marks as default. */
  defaultCustomProxyDomain?: string;
}

const EMPTY: LoadedConfig = { config: emptyRegistriesConfig(), problems: [] };

export function isRegistriesFile(filePathOrUri: string): boolean {
  return path.basename(filePathOrUri) === REGISTRIES_FILE_NAME;
}

export class WorkspaceModel {
  private folders: string[] = [];
  /** Registries file per folder (or per directory for files outside every folder). */
  private readonly configs = new Map<string, LoadedConfig>();
  /** The registries files as read, before the vendor portal is merged in (same keys as `configs`). */
  private readonly fileConfigs = new Map<string, LoadedConfig>();
  /** How the vendor portal is merged in, when one is connected. */
  private portalMerge: PortalMerge | undefined;
  /** Bumped whenever any configuration changes, so cached analyses are recomputed. */
  generation = 0;
  /** Computed on first request: converting positions for thousands of images on every keystroke would be waste. */
  private readonly imagesByUri = new Map<string, { produce: () => WorkspaceImage[]; value?: WorkspaceImage[] }>();

  setFolders(folders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null | undefined): void {
    const paths = (folders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
    if (paths.length === 0 && rootUri) {
      const root = uriToPath(rootUri);
      if (root) paths.push(root);
    }
    this.folders = paths;
  }

  addFolders(added: readonly WorkspaceFolder[], removed: readonly WorkspaceFolder[]): void {
    const removedPaths = new Set(removed.map((f) => uriToPath(f.uri)));
    this.folders = this.folders.filter((f) => !removedPaths.has(f));
    for (const f of added) {
      const p = uriToPath(f.uri);
      if (p && !this.folders.includes(p)) this.folders.push(p);
    }
    for (const uri of [...this.imagesByUri.keys()]) {
      const p = uriToPath(uri);
      if (p && !this.folderOf(p)) this.imagesByUri.delete(uri);
    }
  }

  get folderPaths(): readonly string[] {
    return this.folders;
  }

  /** The workspace folder holding `filePath` (the deepest one), if any. */
  folderOf(filePath: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.folders) {
      const relative = path.relative(folder, filePath);
      if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
        if (!best || folder.length > best.length) best = folder;
      }
    }
    return best;
  }

  /** Reads the registries file for every folder (and forgets the others), then merges the portal in. */
  async reloadConfigs(): Promise<void> {
    this.fileConfigs.clear();
    for (const folder of this.folders) this.fileConfigs.set(folder, loadConfigFromSync(folder));
    const merged = await this.mergeAll();
    this.configs.clear();
    for (const [key, loaded] of merged) this.configs.set(key, loaded);
    this.generation++;
  }

  /** Sets (or clears) the vendor-portal merge; takes effect at the next reload or portal refresh. */
  setPortalMerge(merge: PortalMerge | undefined): void {
    this.portalMerge = merge;
  }

  /**
   * Merges the vendor portal again into the files already read. Returns whether the effective
   * configuration changed (a periodic refresh that finds nothing new costs no re-validation).
   */
  async refreshPortal(): Promise<boolean> {
    const merged = await this.mergeAll();
    let changed = false;
    for (const [key, loaded] of merged) {
      const before = this.configs.get(key);
      if (!before || JSON.stringify(effectiveShape(before)) !== JSON.stringify(effectiveShape(loaded))) changed = true;
    }
    if (!changed) return false;
    this.configs.clear();
    for (const [key, loaded] of merged) this.configs.set(key, loaded);
    this.generation++;
    return true;
  }

  /** Every distinct warning of the latest portal merge, across folders. */
  portalWarnings(): string[] {
    return [...new Set([...this.configs.values()].flatMap((c) => c.portalWarnings ?? []))];
  }

  private async mergeAll(): Promise<Map<string, LoadedConfig>> {
    const merge = this.portalMerge;
    const out = new Map<string, LoadedConfig>();
    for (const [key, loaded] of this.fileConfigs) {
      if (!merge) {
        out.set(key, loaded);
        continue;
      }
      const result = await merge(loaded.config);
      const mergedConfig: LoadedConfig = { ...loaded, config: result.config, portalWarnings: result.warnings };
      if (result.defaultCustomProxyDomain) mergedConfig.defaultCustomProxyDomain = result.defaultCustomProxyDomain;
      out.set(key, mergedConfig);
    }
    return out;
  }

  /** The registries in effect for a document: its folder's file, else the nearest file above it. */
  configFor(uri: string): LoadedConfig {
    const filePath = uriToPath(uri);
    if (!filePath) return this.configs.get(this.folders[0] ?? '') ?? EMPTY;
    const key = this.folderOf(filePath) ?? path.dirname(filePath);
    let loaded = this.configs.get(key);
    if (!loaded) {
      // Outside every folder (or not loaded yet): look up synchronously once and remember it.
      // (Without the portal merge, which is asynchronous: such files see the registries file only.)
      loaded = loadConfigFromSync(key);
      this.configs.set(key, loaded);
    }
    return loaded;
  }

  /** Every loaded registries file, for diagnostics in the files themselves. */
  loadedConfigs(): LoadedConfig[] {
    return [...this.configs.values()].filter((c) => c.file !== undefined);
  }

  /** The team's registries across the workspace (first definition of a slug wins). */
  allRegistries(): RegistryEntry[] {
    const bySlug = new Map<string, RegistryEntry>();
    for (const folder of this.folders) {
      for (const entry of this.configs.get(folder)?.config.registries ?? []) {
        if (!bySlug.has(entry.slug)) bySlug.set(entry.slug, { ...entry, source: entry.source ?? 'workspace' });
      }
    }
    return [...bySlug.values()];
  }

  /** Each workspace folder with the registries configuration in effect there. */
  folderConfigs(): { folder: string; loaded: LoadedConfig }[] {
    return this.folders.map((folder) => ({ folder, loaded: this.configs.get(folder) ?? EMPTY }));
  }

  /** The registries file a workspace entry comes from (the first folder that defines the slug). */
  fileOfRegistry(slug: string): string | undefined {
    for (const folder of this.folders) {
      const loaded = this.configs.get(folder);
      if (loaded?.file && loaded.config.registries.some((entry) => entry.slug === slug && entry.source !== 'portal')) return loaded.file;
    }
    return undefined;
  }

  registryBySlug(slug: string): RegistryEntry | undefined {
    return this.allRegistries().find((r) => r.slug === slug);
  }

  /** The team registry serving a reference domain, in the given configuration. */
  static registryForDomain(config: RegistriesConfig, domain: string): RegistryEntry | undefined {
    return config.registries.find((r) => endpointMatchesDomain(r.endpoint, domain));
  }

  // ---- image index -----------------------------------------------------------------------------

  setImages(uri: string, produce: () => WorkspaceImage[]): void {
    this.imagesByUri.set(uri, { produce });
  }

  forgetImages(uri: string): void {
    this.imagesByUri.delete(uri);
  }

  allImages(): WorkspaceImage[] {
    const out: WorkspaceImage[] = [];
    for (const entry of this.imagesByUri.values()) {
      entry.value ??= entry.produce();
      out.push(...entry.value);
    }
    return out;
  }
}

/** What a portal refresh can change. */
function effectiveShape(loaded: LoadedConfig): unknown {
  return [loaded.config, loaded.portalWarnings ?? [], loaded.defaultCustomProxyDomain ?? null];
}

/** The protocol shape of a found image, with the team registry it resolves to. */
export function toWorkspaceImage(
  uri: string,
  image: FoundImage,
  positionAt: (offset: number) => { line: number; character: number },
  config: RegistriesConfig,
): WorkspaceImage {
  const start = positionAt(image.start);
  const end = positionAt(image.end);
  const reference = image.upstream ?? image.reference;
  const out: WorkspaceImage = { uri, line: start.line, character: start.character, endLine: end.line, endCharacter: end.character, text: image.text };
  if (reference && !image.templated) {
    out.domain = reference.domain;
    out.path = reference.path;
    out.tag = reference.tag;
    out.digest = reference.digest;
    const registry = WorkspaceModel.registryForDomain(config, reference.domain);
    if (registry) out.registrySlug = registry.slug;
  }
  return out;
}

/** The folder's registries file, read under its bounds: too large or not a regular file → no registries, and the problem. */
function loadConfigFromSync(dir: string): LoadedConfig {
  const file = findRegistriesFile(dir);
  if (!file) return EMPTY;
  const read = readRegistriesFileText(file);
  if ('problem' in read) return read.problem.code === 'limit' ? { file, text: '', config: emptyRegistriesConfig(), problems: [read.problem] } : EMPTY;
  return { file, text: read.text, ...parseRegistriesFile(read.text, file) };
}

