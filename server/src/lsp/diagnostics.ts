/**
 * Diagnostics, one model on purpose: push, with a per-URI debounce cancelled on close.
 *  - After each change: local findings only (synchronous rules, per-document cache), debounced.
 *  - On open and on save: the pull checks, in the background; their findings are kept per image text
 *    and merged with the latest local findings, so typing never waits on the network and an edited
 *    reference loses its stale verdict until the next save.
 *  - Files that are not open (whole-workspace scan) get the same treatment once, from disk.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import type { ServerContext } from './context';
import { documentPath, findingToDiagnostic, pathToUri } from './convert';
import { PerKeyDebouncer } from './debounce';
import { finalizeFor, registriesFileFindingsFor, registriesFileLimitFindingFor, remoteFindingsFor } from './engine';
import { runInBackground } from './handlerErrors';
import type { StatusReporter } from './status';
import { isRegistriesFile, toWorkspaceImage } from './workspaceModel';

/** A remote finding, anchored to the image it is about (offsets relative to the image's start). */
interface AnchoredFinding {
  finding: Finding;
  delta: number;
}

interface OpenDocumentState {
  /** Remote findings per image text, from the last check. */
  remote?: Map<string, AnchoredFinding[]>;
  remoteAbort?: AbortController;
}

/** Remote findings keyed by the image text they were computed for. */
export function anchorRemoteFindings(findings: Finding[], images: FoundImage[]): Map<string, AnchoredFinding[]> {
  const byText = new Map<string, AnchoredFinding[]>();
  for (const finding of findings) {
    let owner: FoundImage | undefined;
    for (const image of images) {
      if (image.text !== finding.reference) continue;
      if (!owner || Math.abs(image.start - finding.start) < Math.abs(owner.start - finding.start)) owner = image;
    }
    if (!owner) continue;
    const list = byText.get(owner.text) ?? [];
    // The same verdict once per image text (several identical references share one check).
    if (!list.some((a) => a.finding.code === finding.code && a.delta === finding.start - owner.start)) {
      list.push({ finding, delta: finding.start - owner.start });
    }
    byText.set(owner.text, list);
  }
  return byText;
}

/** Places anchored remote findings on the current images with the same text. */
export function placeRemoteFindings(anchored: Map<string, AnchoredFinding[]> | undefined, images: FoundImage[]): Finding[] {
  if (!anchored || anchored.size === 0) return [];
  const out: Finding[] = [];
  for (const image of images) {
    const list = anchored.get(image.text);
    if (!list) continue;
    for (const { finding, delta } of list) {
      const length = finding.end - finding.start;
      out.push({ ...finding, start: image.start + delta, end: image.start + delta + length });
    }
  }
  return out;
}

export class DiagnosticsController {
  private readonly debouncer = new PerKeyDebouncer();
  private readonly open = new Map<string, OpenDocumentState>();
  /** URIs of files not open that we published diagnostics for (workspace scan). */
  private readonly unopenedPublished = new Set<string>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly status: StatusReporter,
  ) {}

  // ---- open documents ----------------------------------------------------------------------------

  opened(document: TextDocument): void {
    this.open.set(document.uri, {});
    this.unopenedPublished.delete(document.uri);
    runInBackground(this.ctx.logger, `validating ${document.uri}`, async () => {
      await this.validateOpen(document.uri);
      await this.checkRemote(document.uri);
    });
  }

  changed(document: TextDocument): void {
    if (!this.open.has(document.uri)) this.open.set(document.uri, {});
    this.debouncer.schedule(document.uri, this.ctx.init.diagnosticsDelayMs, () => {
      runInBackground(this.ctx.logger, `validating ${document.uri}`, () => this.validateOpen(document.uri));
    });
  }

  saved(uri: string): void {
    if (!this.ctx.documents.get(uri)) return;
    this.debouncer.cancel(uri);
    runInBackground(this.ctx.logger, `checking ${uri}`, async () => {
      await this.validateOpen(uri);
      await this.checkRemote(uri);
    });
  }

  closed(uri: string): void {
    this.debouncer.cancel(uri);
    this.open.get(uri)?.remoteAbort?.abort();
    this.open.delete(uri);
    this.ctx.analyses.forget(uri);
    this.ctx.workspace.forgetImages(uri);
    void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  /** Re-validates every open document (configuration, settings or credentials changed). */
  revalidateOpen(options: { remote: boolean }): void {
    for (const uri of this.open.keys()) {
      runInBackground(this.ctx.logger, `re-validating ${uri}`, async () => {
        await this.validateOpen(uri);
        if (options.remote) await this.checkRemote(uri);
      });
    }
  }

  /** Local findings merged with the last remote findings, published for the current version. */
  async validateOpen(uri: string): Promise<void> {
    const document = this.ctx.documents.get(uri);
    const state = this.open.get(uri);
    if (!document || !state) return;
    const version = document.version;
    const filePath = documentPath(uri);
    const setup = await this.ctx.environmentFor(uri);
    let findings: Finding[];
    // The whole text only when needed: on a large open file, joining it costs more than analyzing an edit.
    if (isRegistriesFile(filePath)) {
      findings = registriesFileFindingsFor(document.getText(), filePath, setup.env);
    } else {
      const analysis = await this.ctx.analysisOf(document);
      const remote = state.remote && state.remote.size > 0 ? finalizeFor(document.getText(), placeRemoteFindings(state.remote, analysis.images), filePath, setup.env) : [];
      findings = remote.length > 0 ? [...analysis.findings, ...remote].sort((a, b) => a.start - b.start || a.end - b.end) : analysis.findings;
      const config = setup.env.config;
      this.ctx.workspace.setImages(uri, () => analysis.images.map((image) => toWorkspaceImage(uri, image, (o) => document.positionAt(o), config)));
    }
    // A newer version has been (or will be) validated: do not publish stale ranges.
    if (this.ctx.documents.get(uri)?.version !== version || !this.open.has(uri)) return;
    await this.publish(uri, document, findings, version);
  }

  /** Pull checks for an open document, then a re-publish. Never blocks typing: runs in the background. */
  async checkRemote(uri: string): Promise<void> {
    const state = this.open.get(uri);
    const document = this.ctx.documents.get(uri);
    if (!state || !document || isRegistriesFile(documentPath(uri))) return;
    state.remoteAbort?.abort();
    const abort = new AbortController();
    state.remoteAbort = abort;
    const setup = await this.ctx.environmentFor(uri);
    if (setup.env.offline) {
      state.remote = undefined;
      return;
    }
    const analysis = await this.ctx.analysisOf(document);
    const images = analysis.images.filter((image) => !image.templated);
    if (images.length === 0) return;
    this.status.begin();
    let findings: Finding[];
    try {
      findings = await remoteFindingsFor(images, documentPath(uri), setup.env, abort.signal);
    } finally {
      this.status.end();
    }
    if (abort.signal.aborted || this.open.get(uri) !== state) return;
    state.remote = anchorRemoteFindings(findings, images);
    state.remoteAbort = undefined;
    await this.validateOpen(uri);
  }

  // ---- files that are not open --------------------------------------------------------------------

  /** Full analysis (local + remote when allowed) of a file read from disk, published unless it is open. */
  async validateUnopened(filePath: string, signal?: AbortSignal): Promise<void> {
    const uri = pathToUri(filePath);
    if (this.open.has(uri)) return;
    const text = await this.ctx.readText(filePath);
    if (text === undefined) {
      // A registries file too large to read still says why it is not used (one problem, on an empty document).
      const unusable = isRegistriesFile(filePath) ? registriesFileLimitFindingFor(filePath) : undefined;
      if (unusable && !this.open.has(uri)) {
        this.unopenedPublished.add(uri);
        await this.publish(uri, TextDocument.create(uri, 'yaml', 0, ''), [unusable], undefined);
        return;
      }
      this.forgetUnopened(uri);
      return;
    }
    const setup = await this.ctx.environmentFor(uri);
    const document = TextDocument.create(uri, 'yaml', 0, text);
    let findings: Finding[];
    if (isRegistriesFile(filePath)) {
      findings = registriesFileFindingsFor(text, filePath, setup.env);
    } else {
      const analysis = await this.ctx.analyses.analyze(`disk:${uri}`, text, filePath, setup.env, setup.generation);
      findings = analysis.findings;
      const config = setup.env.config;
      this.ctx.workspace.setImages(uri, () => analysis.images.map((image) => toWorkspaceImage(uri, image, (o) => document.positionAt(o), config)));
      const images = analysis.images.filter((image) => !image.templated);
      if (!setup.env.offline && images.length > 0 && !signal?.aborted) {
        this.status.begin();
        try {
          const remote = await remoteFindingsFor(images, filePath, setup.env, signal ?? new AbortController().signal);
          findings = [...findings, ...finalizeFor(text, remote, filePath, setup.env)].sort((a, b) => a.start - b.start || a.end - b.end);
        } finally {
          this.status.end();
        }
      }
    }
    if (signal?.aborted || this.open.has(uri)) return;
    this.unopenedPublished.add(uri);
    await this.publish(uri, document, findings, undefined);
  }

  /** A file that is not open was deleted (or left the workspace): clear its diagnostics. */
  forgetUnopened(uri: string): void {
    this.ctx.analyses.forget(`disk:${uri}`);
    this.ctx.workspace.forgetImages(uri);
    if (this.unopenedPublished.delete(uri) && !this.open.has(uri)) {
      void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
    }
  }

  unopenedUris(): string[] {
    return [...this.unopenedPublished];
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const state of this.open.values()) state.remoteAbort?.abort();
  }

  private async publish(uri: string, document: TextDocument, findings: Finding[], version: number | undefined): Promise<void> {
    const related = new Map<string, TextDocument | undefined>();
    const relatedDocument = (file: string): TextDocument | undefined => {
      if (related.has(file)) return related.get(file);
      const relatedUri = pathToUri(file);
      let found: TextDocument | undefined = relatedUri === uri ? document : this.ctx.documents.get(relatedUri);
      if (!found) {
        const text = this.ctx.readTextSync(file);
        found = text === undefined ? undefined : TextDocument.create(relatedUri, 'yaml', 0, text);
      }
      related.set(file, found);
      return found;
    };
    const diagnostics: Diagnostic[] = findings.map((finding) => {
      const diagnostic = findingToDiagnostic(finding, document, relatedDocument);
      if (!this.ctx.client.relatedInformation) delete diagnostic.relatedInformation;
      return diagnostic;
    });
    await this.ctx.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
  }
}

export type { AnalysisEnvironment };
