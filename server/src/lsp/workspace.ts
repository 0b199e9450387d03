/**
 * Whole-workspace handling: the scan that gives unopened files their diagnostics (when the workspace
 * opens and when the registries file changes), watched-file events, and workspace-folder changes.
 */
import path from 'node:path';
import { FileChangeType, type DidChangeWatchedFilesParams, type WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';
import { RegistriesChangedNotification, ReleaseImagesChangedNotification } from '../protocol/messages';
import type { ServerContext } from './context';
import { uriToPath } from './convert';
import type { DiagnosticsController } from './diagnostics';
import { findYamlFiles } from '../workspace/yamlFiles';
import { isRegistriesFile } from './workspaceModel';
import { dependentFiles, isReleaseFile } from './releaseCache';
import { pathToUri } from './convert';
import { PerKeyDebouncer } from './debounce';

const YAML_FILE = /\.ya?ml$/i;
const SCAN_CONCURRENCY = 4;
/** A release is re-read once typing pauses, not on every keystroke. */
const RELEASE_REVALIDATION_DELAY_MS = 300;

export class WorkspaceHandler {
  private scanAbort: AbortController | undefined;
  private readonly releaseDebouncer = new PerKeyDebouncer();
  /** Resolves when the latest scan is done (tests and benchmarks wait on it through the status). */
  lastScan: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ServerContext,
    private readonly diagnostics: DiagnosticsController,
    /** Called after every (re)load of the configuration (the service surfaces portal warnings). */
    private readonly configurationLoaded: () => void = () => undefined,
  ) {}

  /** Reads every folder's registries file (and merges the vendor portal in, when connected). */
  async loadConfiguration(): Promise<void> {
    await this.ctx.workspace.reloadConfigs();
    this.configurationLoaded();
  }

  /** Re-reads configuration, re-validates open documents, tells the client, rescans. */
  async registriesFileChanged(): Promise<void> {
    await this.loadConfiguration();
    this.configurationChanged();
  }

  /** The effective configuration changed (file or portal): re-validate everything and tell the client. */
  configurationChanged(): void {
    this.ctx.analyses.clear();
    this.ctx.releases.clear();
    this.diagnostics.revalidateOpen({ remote: true });
    void this.ctx.connection.sendNotification(RegistriesChangedNotification, {}).catch(() => undefined);
    this.rescan();
  }

  /** Starts a scan of every folder (cancelling a running one). */
  rescan(): void {
    this.scanAbort?.abort();
    const abort = new AbortController();
    this.scanAbort = abort;
    this.lastScan = this.scan(abort.signal).catch((err: unknown) => {
      this.ctx.logger.error(`workspace scan failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
    let registriesChanged = false;
    for (const change of params.changes) {
      const filePath = uriToPath(change.uri);
      if (!filePath) continue;
      if (isRegistriesFile(filePath)) {
        registriesChanged = true;
        continue;
      }
      if (path.basename(filePath) === '.env' && this.ctx.workspace.folderOf(filePath)) {
        await this.revalidateComposeFolder(path.dirname(filePath));
        continue;
      }
      if (isReleaseFile(filePath) && !this.diagnostics.isOpen(change.uri)) {
        if (change.type === FileChangeType.Changed) this.ctx.releases.contentChanged(filePath);
        else this.ctx.releases.filesChanged(filePath);
        this.releaseChanged(filePath);
      }
      if (!YAML_FILE.test(filePath) || !this.ctx.workspace.folderOf(filePath)) continue;
      if (change.type === FileChangeType.Deleted) {
        this.diagnostics.forgetUnopened(change.uri);
        continue;
      }
      if (!this.diagnostics.isOpen(change.uri)) await this.diagnostics.validateUnopened(filePath);
    }
    if (registriesChanged) await this.registriesFileChanged();
  }

  async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    this.ctx.workspace.addFolders(event.added, event.removed);
    for (const removed of event.removed) {
      const folder = uriToPath(removed.uri);
      if (!folder) continue;
      for (const uri of this.diagnostics.unopenedUris()) {
        const filePath = uriToPath(uri);
        if (filePath && !this.ctx.workspace.folderOf(filePath)) this.diagnostics.forgetUnopened(uri);
      }
    }
    await this.registriesFileChanged();
  }

  /**
   * A file of a release changed: once typing pauses, every file whose findings depend on that release
   * (its HelmCharts, its charts' values and templates) is validated again — `except` is the document
   * being edited, validated by its own change.
   */
  releaseChanged(filePath: string, except?: string): void {
    const folder = this.ctx.workspace.folderOf(filePath) ?? path.dirname(filePath);
    this.releaseDebouncer.schedule(folder, this.ctx.init.diagnosticsDelayMs + RELEASE_REVALIDATION_DELAY_MS, () => {
      void this.revalidateRelease(folder, except).catch((err: unknown) => this.ctx.logger.error(`re-validating the release of ${folder} failed: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  private async revalidateRelease(folder: string, except: string | undefined): Promise<void> {
    const setup = await this.ctx.environmentFor(pathToUri(folder));
    const release = await setup.env.release?.();
    if (!release) return;
    for (const file of dependentFiles(release)) {
      const uri = pathToUri(file);
      if (uri === except) continue;
      if (this.diagnostics.isOpen(uri)) await this.diagnostics.validateOpen(uri);
      else await this.diagnostics.validateUnopened(file);
    }
    void this.ctx.connection.sendNotification(ReleaseImagesChangedNotification, { folder: pathToUri(folder) }).catch(() => undefined);
  }

  /** A `.env` changed: the Compose files beside it interpolate differently now. */
  async revalidateComposeFolder(folder: string): Promise<void> {
    const inFolder = (filePath: string | undefined): filePath is string => filePath !== undefined && path.dirname(filePath) === folder && YAML_FILE.test(filePath);
    for (const document of this.ctx.documents.all()) {
      if (inFolder(uriToPath(document.uri))) void this.diagnostics.validateOpen(document.uri).catch(() => undefined);
    }
    for (const uri of this.diagnostics.unopenedUris()) {
      const filePath = uriToPath(uri);
      if (inFolder(filePath)) await this.diagnostics.validateUnopened(filePath);
    }
  }

  dispose(): void {
    this.scanAbort?.abort();
    this.releaseDebouncer.dispose();
  }

  private async scan(signal: AbortSignal): Promise<void> {
    const started = Date.now();
    let files = 0;
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const folder of this.ctx.workspace.folderPaths) {
      for (const filePath of await findYamlFiles(folder, { signal })) {
        if (!seen.has(filePath)) queue.push(filePath);
        seen.add(filePath);
      }
    }
    // A few files at a time: pull checks of one file wait on the network while others are read.
    const worker = async (): Promise<void> => {
      for (let filePath = queue.shift(); filePath !== undefined && !signal.aborted; filePath = queue.shift()) {
        files++;
        await this.diagnostics.validateUnopened(filePath, signal);
        // Let typing and requests in between files.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
    if (signal.aborted) return;
    // Files published by an earlier scan that are gone now (deleted, ignored, folder removed).
    for (const uri of this.diagnostics.unopenedUris()) {
      const filePath = uriToPath(uri);
      if (filePath && !seen.has(filePath)) this.diagnostics.forgetUnopened(uri);
    }
    this.ctx.logger.info(`workspace scan: ${files} YAML file(s) in ${Date.now() - started} ms`);
  }
}
