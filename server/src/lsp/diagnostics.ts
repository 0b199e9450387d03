/**
 * Diagnostics: two models, chosen from what the client offers in `initialize`.
 *  - Pull (LSP 3.17 `textDocument/diagnostic`, when the client also supports
 *    `workspace/diagnostic/refresh`): open documents' diagnostics are answered on request, each set
 *    with a result id; a request that names the current id gets `unchanged` (no diagnostics re-sent).
 *    When something other than an edit changes them (pull checks done, configuration), the client is
 *    asked to pull again.
 *  - Push (`publishDiagnostics`) otherwise, with a per-URI debounce cancelled on close.
 * Either way a set is made only for the newest version, and published (or given a new result id) only
 * when it differs from the last one: typing in a comment sends nothing.
 *  - After each change: local findings only (synchronous rules, per-document cache), after the delay.
 *  - On open and on save: the pull checks, in the background; their findings are kept per image text
 *    and merged with the latest local findings, so typing never waits on the network and an edited
 *    reference loses its stale verdict until the next save.
 *  - Files that are not open (whole-workspace scan) are pushed, once, from disk, as background work
 *    that waits while an edit is pending (scheduler.ts).
 */
import type { CancellationToken, Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisEnvironment, Finding } from '../findings/types';
import { ChunkedTextDocument } from './chunkedTextDocument';
import type { ServerContext } from './context';
import { documentPath, pathToUri } from './convert';
import { PerKeyDebouncer } from './debounce';
import { anchorRemoteFindings, DiagnosticAssembler, sameDiagnostics, type RemoteFindings } from './diagnosticSet';
import { registriesFileFindingsFor, registriesFileLimitFindingFor, remoteFindingsFor } from './engine';
import { analyzedDocument, type FileAnalysis } from './fileAnalysis';
import { runInBackground } from './handlerErrors';
import { BLOCK_FILE_CHARS, type Priority, type WorkScheduler } from './scheduler';
import type { StatusReporter } from './status';
import { isRegistriesFile, toWorkspaceImage } from './workspaceModel';

interface OpenDocumentState {
  /** Remote findings per image text, from the last check. */
  remote?: RemoteFindings;
  remoteAbort?: AbortController;
  /** The last set made (published, or answered to a pull): for which version, and its result id. */
  current?: { version: number; diagnostics: Diagnostic[]; resultId: string };
  /** Ends the interactive mark of the edits not validated yet (the workspace scan waits while it is set). */
  endEdit?: () => void;
  /** Settles when the debounced validation of the latest edit has run (a pull waits for it). */
  settled?: { promise: Promise<void>; resolve: () => void };
}

export class DiagnosticsController {
  private readonly debouncer = new PerKeyDebouncer();
  private readonly open = new Map<string, OpenDocumentState>();
  /** Diagnostics last pushed for files that are not open (workspace scan), per URI. */
  private readonly unopenedPublished = new Map<string, Diagnostic[]>();
  private readonly assembler: DiagnosticAssembler;
  private pullModel = false;
  private nextResultId = 1;
  private refreshScheduled = false;

  constructor(
    private readonly ctx: ServerContext,
    private readonly status: StatusReporter,
    private readonly scheduler: WorkScheduler,
  ) {
    this.assembler = new DiagnosticAssembler(
      scheduler,
      () => ctx.client.relatedInformation,
      (filePath) => ctx.readTextSync(filePath),
      (uri, text) => ChunkedTextDocument.create(uri, 'yaml', 0, text),
      pathToUri,
    );
  }

  /** Open documents' diagnostics are pulled by the client (LSP 3.17) instead of pushed. */
  usePullModel(): void {
    this.pullModel = true;
  }

  // ---- open documents ----------------------------------------------------------------------------

  opened(document: TextDocument): void {
    this.open.set(document.uri, {});
    // Pulled diagnostics live apart from pushed ones in the client: clear what the workspace scan pushed.
    if (this.unopenedPublished.delete(document.uri) && this.pullModel) void this.ctx.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }).catch(() => undefined);
    runInBackground(this.ctx.logger, `validating ${document.uri}`, async () => {
      await this.validateOpen(document.uri, 'edit');
      await this.checkRemote(document.uri);
    });
  }

  changed(document: TextDocument): void {
    let state = this.open.get(document.uri);
    if (!state) this.open.set(document.uri, (state = {}));
    state.endEdit ??= this.scheduler.beginInteractive();
    if (!state.settled) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      state.settled = { promise, resolve };
    }
    this.debouncer.schedule(document.uri, this.ctx.init.diagnosticsDelayMs, () => {
      runInBackground(this.ctx.logger, `validating ${document.uri}`, () => this.validateOpen(document.uri, 'edit'));
    });
  }

  saved(uri: string): void {
    if (!this.ctx.documents.get(uri)) return;
    this.debouncer.cancel(uri);
    runInBackground(this.ctx.logger, `checking ${uri}`, async () => {
      await this.validateOpen(uri, 'edit');
      await this.checkRemote(uri);
    });
  }

  closed(uri: string): void {
    this.debouncer.cancel(uri);
    const state = this.open.get(uri);
    state?.remoteAbort?.abort();
    this.settle(state);
    this.open.delete(uri);
    this.assembler.forget(uri);
    this.ctx.analyses.forget(uri);
    this.ctx.workspace.forgetImages(uri);
    // A pulling client forgets a closed document's diagnostics itself.
    if (!this.pullModel) void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  /** Re-validates every open document (configuration, settings or credentials changed). */
  revalidateOpen(options: { remote: boolean }): void {
    for (const uri of this.open.keys()) {
      runInBackground(this.ctx.logger, `re-validating ${uri}`, async () => {
        await this.validateOpen(uri, 'other');
        if (options.remote) await this.checkRemote(uri);
      });
    }
  }

  /**
   * Local findings merged with the last remote findings, for the newest version: published (push) or
   * kept for the next pull when they differ from the last set. `cause` says whether an edit of this
   * document asked (a pulling client then pulls by itself) or something else did (it is asked to).
   */
  async validateOpen(uri: string, cause: 'edit' | 'other' = 'other'): Promise<void> {
    const state = this.open.get(uri);
    if (!state || !this.ctx.documents.get(uri)) return;
    let made: { version: number; diagnostics: Diagnostic[] } | undefined;
    try {
      made = await this.diagnosticsOfOpen(uri, state);
      // A newer version has been (or will be) validated: do not publish stale ranges.
      if (made && this.open.get(uri) === state && this.ctx.documents.get(uri)?.version === made.version) await this.commit(uri, state, made, cause);
    } finally {
      // The newest version is out (or failed): typing is no longer pending here, the workspace scan goes on.
      if (this.open.get(uri) === state && !this.debouncer.isPending(uri) && (!made || this.ctx.documents.get(uri)?.version === made.version)) this.settle(state);
    }
  }

  /** Keeps a new set, and publishes it (push) or has the client pull it (pull, when no edit asked). */
  private async commit(uri: string, state: OpenDocumentState, made: { version: number; diagnostics: Diagnostic[] }, cause: 'edit' | 'other'): Promise<void> {
    if (state.current && sameDiagnostics(state.current.diagnostics, made.diagnostics)) {
      state.current.version = made.version;
      return;
    }
    state.current = { ...made, resultId: String(this.nextResultId++) };
    if (!this.pullModel) await this.ctx.connection.sendDiagnostics({ uri, version: made.version, diagnostics: made.diagnostics });
    else if (cause === 'other') this.requestRefresh();
  }

  /**
   * `textDocument/diagnostic`: the newest set of an open document, once its pending edits are validated;
   * `unchanged` when the client already has it. Documents that are not open are pushed (empty here).
   */
  async pull(uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const state = this.open.get(uri);
    if (!state) return { kind: 'full', items: [] };
    if (state.settled) {
      await Promise.race([state.settled.promise, new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()))]);
    }
    const version = this.ctx.documents.get(uri)?.version;
    if (!token.isCancellationRequested && state.current?.version !== version) await this.validateOpen(uri, 'edit');
    const current = state.current;
    if (!current) return { kind: 'full', items: [] };
    if (previousResultId === current.resultId) return { kind: 'unchanged', resultId: current.resultId };
    return { kind: 'full', resultId: current.resultId, items: current.diagnostics };
  }

  /** Pull checks for an open document, then a re-validation. Never blocks typing: runs in the background. */
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
    await this.validateOpen(uri, 'other');
  }

  // ---- files that are not open --------------------------------------------------------------------

  /**
   * Full analysis (local + remote when allowed) of a file read from disk, pushed unless it is open.
   * Background work (the workspace scan): it pauses while an edit is pending.
   */
  async validateUnopened(filePath: string, signal?: AbortSignal, priority: Priority = 'background'): Promise<void> {
    const uri = pathToUri(filePath);
    if (this.open.has(uri)) return;
    // Decoding, indexing and splitting a big file is one block: in a pause in typing (scheduler.ts).
    const text = await this.ctx.readText(filePath, (bytes) => (bytes > BLOCK_FILE_CHARS ? this.scheduler.beforeBlock(priority) : Promise.resolve()));
    if (text === undefined) {
      // A registries file too large to read still says why it is not used (one problem, on an empty document).
      const unusable = isRegistriesFile(filePath) ? registriesFileLimitFindingFor(filePath) : undefined;
      if (unusable && !this.open.has(uri)) {
        await this.publishUnopened(uri, this.assembler.convertAll(uri, [unusable], ChunkedTextDocument.create(uri, 'yaml', 0, '')));
        return;
      }
      this.forgetUnopened(uri);
      return;
    }
    const setup = await this.ctx.environmentFor(uri);
    const document = ChunkedTextDocument.create(uri, 'yaml', 0, text);
    let diagnostics: Diagnostic[];
    if (isRegistriesFile(filePath)) {
      diagnostics = this.assembler.convertAll(uri, registriesFileFindingsFor(text, filePath, setup.env), document);
    } else {
      const analysis = await this.ctx.analyses.analyze(`disk:${uri}`, () => ({ text }), filePath, setup.env, setup.generation, { priority, scheduler: this.scheduler });
      const config = setup.env.config;
      this.ctx.workspace.setImages(uri, () => analysis.images.map((image) => toWorkspaceImage(uri, image, (o) => document.positionAt(o), config)));
      const remote = await this.remoteOfUnopened(analysis, filePath, setup.env, signal);
      diagnostics = await this.assembler.assemble({ uri, filePath, document, analysis, remote, env: setup.env, priority, maxRepeated: setup.settings.maxRepeatedProblems });
    }
    if (signal?.aborted || this.open.has(uri)) return;
    // Publishing is one block of work (comparing with the last set, the JSON of every diagnostic): let
    // a pending edit go first, and for a big file wait for a pause in typing.
    await (text.length > BLOCK_FILE_CHARS ? this.scheduler.beforeBlock(priority) : this.scheduler.yield(priority));
    if (signal?.aborted || this.open.has(uri)) return;
    await this.publishUnopened(uri, diagnostics);
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
    return [...this.unopenedPublished.keys()];
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const state of this.open.values()) {
      state.remoteAbort?.abort();
      this.settle(state);
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** The diagnostics of an open document's newest version (undefined when it closed meanwhile). */
  private async diagnosticsOfOpen(uri: string, state: OpenDocumentState): Promise<{ version: number; diagnostics: Diagnostic[] } | undefined> {
    const document = this.ctx.documents.get(uri);
    if (!document) return undefined;
    const filePath = documentPath(uri);
    const setup = await this.ctx.environmentFor(uri);
    if (isRegistriesFile(filePath)) {
      // The whole text only here: on a large open file, joining it costs more than analysing an edit.
      const current = this.ctx.documents.get(uri) ?? document;
      return { version: current.version, diagnostics: this.assembler.convertAll(uri, registriesFileFindingsFor(current.getText(), filePath, setup.env), current) };
    }
    const analysis = await this.ctx.analysisOf(document);
    const analyzed = analyzedDocument(analysis, document);
    const config = setup.env.config;
    this.ctx.workspace.setImages(uri, () => analysis.images.map((image) => toWorkspaceImage(uri, image, (o) => analyzed.positionAt(o), config)));
    if (this.open.get(uri) !== state) return undefined;
    const diagnostics = await this.assembler.assemble({ uri, filePath, document: analyzed, analysis, remote: state.remote, env: setup.env, priority: 'interactive', maxRepeated: setup.settings.maxRepeatedProblems, keep: true });
    return { version: analyzed.version, diagnostics };
  }

  private async remoteOfUnopened(analysis: FileAnalysis, filePath: string, env: AnalysisEnvironment, signal: AbortSignal | undefined): Promise<RemoteFindings | undefined> {
    if (env.offline || signal?.aborted) return undefined;
    const images = analysis.images.filter((image) => !image.templated);
    if (images.length === 0) return undefined;
    this.status.begin();
    try {
      return anchorRemoteFindings(await remoteFindingsFor(images, filePath, env, signal ?? new AbortController().signal), images);
    } finally {
      this.status.end();
    }
  }

  private async publishUnopened(uri: string, diagnostics: Diagnostic[]): Promise<void> {
    if (sameDiagnostics(this.unopenedPublished.get(uri), diagnostics)) return;
    this.unopenedPublished.set(uri, diagnostics);
    await this.ctx.connection.sendDiagnostics({ uri, diagnostics });
  }

  private settle(state: OpenDocumentState | undefined): void {
    if (!state) return;
    state.endEdit?.();
    state.endEdit = undefined;
    state.settled?.resolve();
    state.settled = undefined;
  }

  /** Asks a pulling client to pull again (once for a burst of changes). */
  private requestRefresh(): void {
    if (this.refreshScheduled) return;
    this.refreshScheduled = true;
    setImmediate(() => {
      this.refreshScheduled = false;
      this.ctx.connection.languages.diagnostics.refresh();
    });
  }
}
