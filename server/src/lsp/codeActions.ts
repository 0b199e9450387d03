/**
 * Quick fixes, from our diagnostics' `data`, and rewrites of the reference under the cursor:
 *  - Connect this registry (the client's add-registry flow, prefilled);
 *  - Replace `latest` / add a tag / pick an existing tag (up to 5 tags from the registry, newest first);
 *  - Pin to digest (a HEAD request; lazily in codeAction/resolve when the client supports it);
 *  - Rewrite to the proxy reference customers pull (never a form Docker would reject);
 *  - Switch a proxy reference between the default proxy domain and the team's default custom domain;
 *  - Silence this line (`# replicated-registries-disable-next-line <code>`).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Command,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileEdit, FoundImage } from '../findings/types';
import { splitDocuments } from '../manifests/documents';
import { fileRoleOf } from '../manifests/shapes';
import { ClientCommands, type AddRegistryPrefill } from '../protocol/messages';
import { DEFAULT_PROXY_DOMAIN, proxyRewriteProblem, toProxyReference, customerProxyDomain } from '../reference/proxy';
import { parseImageReference, type ImageReference } from '../reference/imageReference';
import { registryHostForReference } from '../registry/endpoints';
import { guessProvider } from '../registry/providers/catalog';
import { RegistryRequestError } from '../registry/registryClient';
import { DISABLE_NEXT_LINE } from '../rules/suppression';
import type { ServerContext } from './context';
import { documentPath, payloadOf, offsetRange, pathToUri, type DiagnosticPayload } from './convert';
import { guarded } from './handlerErrors';
import type { FileAnalysis } from './fileAnalysis';
import { proxyDomainSwitch } from './proxyForms';
import { effectiveReference, registryTargetFor } from './registryTargets';
import { sortTagsNewestFirst } from './tagOrder';

const MAX_TAG_CHOICES = 5;
/** Code actions are asked for on every cursor move: registry calls made for them are bounded. */
const REGISTRY_CALL_TIMEOUT_MS = 5_000;

interface PinData {
  kind: 'pin-digest';
  uri: string;
  version: number;
  imageStart: number;
}

function isPinData(value: unknown): value is PinData {
  const v = value as Partial<PinData> | undefined;
  return typeof v === 'object' && v !== null && v.kind === 'pin-digest' && typeof v.uri === 'string' && typeof v.imageStart === 'number';
}

/** An edit of the image's own text (offsets relative to the text), when its text maps 1:1 onto the file. */
function textEdit(document: TextDocument, image: FoundImage, start: number, end: number, newText: string): WorkspaceEdit | undefined {
  if (!image.exact || image.end - image.start !== image.text.length) return undefined;
  return { changes: { [document.uri]: [{ range: offsetRange(document, image.start + start, image.start + end), newText }] } };
}

/** Sets the tag: replaces it, or inserts `:tag` after the repository; Helm blocks edit their `tag:` value. */
export function tagEdit(ctx: ServerContext, document: TextDocument, image: FoundImage, reference: ImageReference, tag: string): WorkspaceEdit | undefined {
  const tagPart = image.parts?.find((p) => p.role === 'tag');
  if (tagPart) {
    const filePath = documentPath(document.uri);
    const partUri = tagPart.file && tagPart.file !== filePath ? pathToUri(tagPart.file) : document.uri;
    const partDocument = partUri === document.uri ? document : ctx.documents.get(partUri);
    if (partDocument) return { changes: { [partUri]: [{ range: offsetRange(partDocument, tagPart.start, tagPart.end), newText: tag }] } };
    const text = tagPart.file ? ctx.readTextSync(tagPart.file) : undefined;
    if (text === undefined) return undefined;
    const onDisk = TextDocument.create(partUri, 'yaml', 0, text);
    return { changes: { [partUri]: [{ range: offsetRange(onDisk, tagPart.start, tagPart.end), newText: tag }] } };
  }
  if (reference.spans.tag) return textEdit(document, image, reference.spans.tag.start, reference.spans.tag.end, tag);
  if (reference.digest) return undefined;
  return textEdit(document, image, reference.spans.path.end, reference.spans.path.end, `:${tag}`);
}

/** Keeps the tag and adds `@digest` after it. */
export function digestEdit(document: TextDocument, image: FoundImage, reference: ImageReference, digest: string): WorkspaceEdit | undefined {
  if (reference.digest) return undefined;
  const at = reference.spans.tag?.end ?? reference.spans.path.end;
  return textEdit(document, image, at, at, `@${digest}`);
}

/** Inserts (or extends) the disable comment above the diagnostic's line, with that line's indentation. */
export function silenceEdit(document: TextDocument, diagnostic: Diagnostic, code: string): TextEdit {
  const line = diagnostic.range.start.line;
  const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const indentation = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  if (line > 0) {
    const previous = document.getText({ start: { line: line - 1, character: 0 }, end: { line, character: 0 } }).replace(/\r?\n$/, '');
    const match = new RegExp(`^(\\s*#\\s*${DISABLE_NEXT_LINE})((?:[\\s,]+[a-z-]+)+)\\s*$`).exec(previous);
    if (match) {
      // Already silencing other codes on this line: add ours to the list.
      return { range: { start: { line: line - 1, character: previous.length }, end: { line: line - 1, character: previous.length } }, newText: ` ${code}` };
    }
  }
  const eol = document.getText().includes('\r\n') ? '\r\n' : '\n';
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indentation}# ${DISABLE_NEXT_LINE} ${code}${eol}` };
}

function withTimeout(): { signal: AbortSignal; done: () => void } {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REGISTRY_CALL_TIMEOUT_MS);
  return { signal: abort.signal, done: () => clearTimeout(timer) };
}

async function tagChoices(ctx: ServerContext, uri: string, reference: ImageReference): Promise<string[]> {
  const setup = await ctx.environmentFor(uri);
  if (!ctx.networkAllowed(setup.settings)) return [];
  const target = await registryTargetFor(reference, setup.env.config, ctx.credentials);
  if (!target) return [];
  const { signal, done } = withTimeout();
  try {
    const page = await ctx.registries.clientFor(setup.settings).listTags(target.connection, target.credentials, reference.path, { maxPages: 10, signal });
    return sortTagsNewestFirst(page.tags).filter((t) => t !== reference.tag && t !== 'latest').slice(0, MAX_TAG_CHOICES);
  } catch (err) {
    ctx.logger.info(`no tag choices for ${reference.familiar}: ${err instanceof RegistryRequestError ? err.message : String(err)}`);
    return [];
  } finally {
    done();
  }
}

/** The digest the registry serves for the reference (HEAD, cached by the client). */
async function digestOf(ctx: ServerContext, uri: string, reference: ImageReference): Promise<string | undefined> {
  const setup = await ctx.environmentFor(uri);
  if (!ctx.networkAllowed(setup.settings)) return undefined;
  const target = await registryTargetFor(reference, setup.env.config, ctx.credentials);
  if (!target) return undefined;
  const { signal, done } = withTimeout();
  try {
    const result = await ctx.registries.checkPull(setup.settings, target.connection, target.credentials, { repository: reference.path, reference: reference.tag ?? 'latest' }, { signal });
    return result.verdict === 'ok' ? result.digest : undefined;
  } finally {
    done();
  }
}

function connectAction(reference: ImageReference, data: DiagnosticPayload, diagnostic: Diagnostic, literals: boolean): CodeAction | Command {
  const domain = reference.domain;
  const prefill: AddRegistryPrefill = {
    provider: data.provider ?? guessProvider(domain),
    endpoint: registryHostForReference(domain) === 'docker.io' ? 'index.docker.io' : domain,
    image: reference.canonical,
  };
  const command: Command = { title: `Connect ${domain} to the team's registries`, command: ClientCommands.addRegistry, arguments: [prefill] };
  if (!literals) return command;
  return { title: command.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, command };
}

/** The reference a diagnostic is about: the image under it, else its `reference` text parsed. */
function referenceOf(analysis: FileAnalysis, document: TextDocument, diagnostic: Diagnostic, data: DiagnosticPayload): { image?: FoundImage; reference?: ImageReference } {
  const image = analysis.imageAt(document.offsetAt(diagnostic.range.start));
  const reference = image ? effectiveReference(image) : undefined;
  if (image && reference) return { image, reference };
  const parsed = parseImageReference(data.reference);
  return parsed.ok ? { reference: parsed.reference } : {};
}

/** Whether KOTS rewrites this image to the proxy itself: plain manifests, additionalImages, HelmChart v1beta1 values. */
export function kotsRewritesAt(document: TextDocument, image: FoundImage): boolean {
  if (image.kind === 'additional-image' || image.kind === 'collector') return true;
  if (image.kind === 'container') return fileRoleOf(documentPath(document.uri)) === 'manifest';
  if (image.kind !== 'helmchart-values') return false;
  const text = document.getText();
  const range = splitDocuments(text).find((candidate) => candidate.start <= image.start && image.start < candidate.end);
  return range !== undefined && /^apiVersion:\s*["']?kots\.io\/v1beta1\b/m.test(text.slice(range.start, range.end));
}

/** A WorkspaceEdit from engine edits (`file` '' = this document), positions from each file's current text. */
function workspaceEditOf(ctx: ServerContext, document: TextDocument, edits: FileEdit[]): WorkspaceEdit | undefined {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    const uri = edit.file === '' ? document.uri : pathToUri(edit.file);
    let target = uri === document.uri ? document : ctx.documents.get(uri);
    if (!target) {
      const text = ctx.readTextSync(edit.file);
      if (text === undefined) return undefined;
      target = TextDocument.create(uri, 'yaml', 0, text);
    }
    (changes[uri] ??= []).push({ range: offsetRange(target, edit.start, edit.end), newText: edit.newText });
  }
  return Object.keys(changes).length > 0 ? { changes } : undefined;
}

export async function computeCodeActions(ctx: ServerContext, params: CodeActionParams): Promise<(CodeAction | Command)[]> {
  const document = ctx.documents.get(params.textDocument.uri);
  if (!document) return [];
  const uri = document.uri;
  const literals = ctx.client.codeActionLiterals;
  const actions: (CodeAction | Command)[] = [];
  const ours = params.context.diagnostics.flatMap((diagnostic) => {
    const data = payloadOf(diagnostic);
    return data ? [{ diagnostic, data }] : [];
  });
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));

  const analysis = await ctx.analysisOf(document);
  for (const { diagnostic, data } of ours) {
    // Only editors that implement the add-registry command get it (elsewhere the message names the CLI command).
    if (data.code !== 'registry-not-connected' || !wants(CodeActionKind.QuickFix) || !ctx.init.clientCommands) continue;
    const { reference } = referenceOf(analysis, document, diagnostic, data);
    if (reference) actions.push(connectAction(reference, data, diagnostic, literals));
  }
  // Everything below edits text: only for clients that take CodeAction literals.
  if (!literals) return actions;

  // Ready-made fixes the engine computed (customer's pull, proxy shapes): edits, possibly in several files.
  if (wants(CodeActionKind.QuickFix)) {
    for (const { diagnostic, data } of ours) {
      (data.fixes ?? []).forEach((fix, index) => {
        const edit = workspaceEditOf(ctx, document, fix.edits);
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred: index === 0 });
      });
    }
  }

  const start = document.offsetAt(params.range.start);
  const end = document.offsetAt(params.range.end);
  const setup = await ctx.environmentFor(uri);
  const config = setup.env.config;
  const portalDefaultCustom = ctx.workspace.configFor(uri).defaultCustomProxyDomain;

  // Tag choices, once per image, for the tag rules.
  const tagged = new Set<FoundImage>();
  for (const { diagnostic, data } of ours) {
    const code = data.code;
    if (!wants(CodeActionKind.QuickFix) || (code !== 'tag-latest' && code !== 'tag-missing' && code !== 'tag-not-found')) continue;
    const { image, reference } = referenceOf(analysis, document, diagnostic, data);
    if (!image || !reference || tagged.has(image)) continue;
    tagged.add(image);
    const tags = await tagChoices(ctx, uri, reference);
    tags.forEach((tag, index) => {
      const edit = image.upstream && image.reference ? undefined : tagEdit(ctx, document, image, reference, tag);
      if (!edit) return;
      // Titles are plain text in every editor's menu: quotes, not markdown backticks.
      const verb = reference.tag === 'latest' ? `Replace "latest" with "${tag}"` : reference.tag ? `Change the tag to "${tag}"` : `Add the tag "${tag}"`;
      actions.push({ title: verb, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, isPreferred: index === 0 && code !== 'tag-not-found' });
    });
  }

  // Rewrites of the reference(s) under the cursor.
  for (const image of analysis.imagesIn(start, end)) {
    const reference = effectiveReference(image);
    if (!reference || image.templated) continue;
    const related = ours.filter(({ diagnostic }) => {
      const o = document.offsetAt(diagnostic.range.start);
      return o >= image.start && o <= image.end;
    });
    if (!reference.digest && wants(CodeActionKind.RefactorRewrite) && ctx.networkAllowed(setup.settings) && !image.upstream) {
      const known = related.map(({ data }) => data.digestFound).find((d): d is string => typeof d === 'string');
      const title = `Pin ${reference.familiar}:${reference.tag ?? 'latest'} to its digest`;
      if (known) {
        const edit = digestEdit(document, image, reference, known);
        if (edit) actions.push({ title, kind: CodeActionKind.RefactorRewrite, edit, diagnostics: related.filter(({ data }) => data.code === 'digest-pinning').map(({ diagnostic }) => diagnostic) });
      } else if (ctx.client.codeActionResolveEdit) {
        const data: PinData = { kind: 'pin-digest', uri, version: document.version, imageStart: image.start };
        if (image.exact) actions.push({ title, kind: CodeActionKind.RefactorRewrite, data });
      } else {
        const digest = await digestOf(ctx, uri, reference).catch(() => undefined);
        const edit = digest ? digestEdit(document, image, reference, digest) : undefined;
        if (edit) actions.push({ title, kind: CodeActionKind.RefactorRewrite, edit });
      }
    }
    const target = await registryTargetFor(reference, config, ctx.credentials);
    // Never a proxy form Docker would reject (an upstream host with a port or an IPv6 address).
    // Not where KOTS rewrites by itself (manifests, additionalImages, HelmChart v1beta1): a proxy
    // reference there is prefixed a second time (rules/doubleProxyRule.ts).
    if (target?.placement.kind === 'connected' && config.app && !image.proxy && image.reference && !proxyRewriteProblem(image.reference) && !kotsRewritesAt(document, image) && wants(CodeActionKind.RefactorRewrite)) {
      const proxyDomain = customerProxyDomain(config.customDomains.proxy, portalDefaultCustom);
      const proxied = toProxyReference(image.reference, config.app, proxyDomain);
      const edit = textEdit(document, image, 0, image.text.length, proxied);
      if (edit) actions.push({ title: `Rewrite to the proxy reference ${proxied}`, kind: CodeActionKind.RefactorRewrite, edit });
    }
    // A proxy reference: switch between the default proxy domain and the team's default custom one.
    const domainSwitch = wants(CodeActionKind.QuickFix) ? proxyDomainSwitch(image, portalDefaultCustom) : undefined;
    if (domainSwitch) {
      const edit = textEdit(document, image, 0, domainSwitch.hostEnd, domainSwitch.domain);
      const which = domainSwitch.domain === DEFAULT_PROXY_DOMAIN ? 'the default proxy domain' : 'the custom proxy domain';
      if (edit) actions.push({ title: `Rewrite to ${which} ${domainSwitch.domain}`, kind: CodeActionKind.QuickFix, edit });
    }
  }

  // Silence, last: the least preferred fix.
  if (wants(CodeActionKind.QuickFix)) {
    for (const { diagnostic, data } of ours) {
      actions.push({
        title: `Silence ${data.code} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [silenceEdit(document, diagnostic, data.code)] } },
      });
    }
  }
  return actions;
}

export async function resolveCodeAction(ctx: ServerContext, action: CodeAction): Promise<CodeAction> {
  if (!isPinData(action.data)) return action;
  const { uri, imageStart } = action.data;
  const document = ctx.documents.get(uri);
  if (!document) return action;
  const analysis = await ctx.analysisOf(document);
  const found = analysis.imageAt(imageStart);
  const image = found?.start === imageStart ? found : undefined;
  const reference = image ? effectiveReference(image) : undefined;
  if (!image || !reference) return action;
  const digest = await digestOf(ctx, uri, reference);
  if (!digest) {
    void ctx.connection.window.showWarningMessage(`Could not pin ${reference.familiar}: the registry did not return a digest. Hover the reference to see the last check.`);
    return action;
  }
  const edit = digestEdit(document, image, reference, digest);
  return edit ? { ...action, edit } : action;
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(guarded(ctx.logger, 'codeAction', (params: CodeActionParams) => computeCodeActions(ctx, params)));
  ctx.connection.onCodeActionResolve(guarded(ctx.logger, 'codeAction/resolve', (action: CodeAction) => resolveCodeAction(ctx, action)));
}
