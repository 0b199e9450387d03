/**
 * Findings → LSP objects. The engine speaks offsets in a file's text; the protocol speaks UTF-16
 * line/character positions (JavaScript string offsets are UTF-16 too, so only line splitting is needed).
 */
import { redact } from '../log/logger';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, FindingData, RuleCode, Severity } from '../findings/types';

export const DIAGNOSTIC_SOURCE = 'replicated-registries';

/**
 * What a diagnostic carries for code actions (`Diagnostic.data`): kept small on purpose (a manifest can
 * have thousands of diagnostics, serialized on every publish and parsed by the client); what can be
 * derived again from the reference under the diagnostic (domain, path, tag, canonical form) is not
 * repeated here, nor the rule, which is the diagnostic's `code` (`"code":"tag-latest",` in `data` was
 * 22 KB of the 371 KB each keystroke on the 4.3 MB benchmark file sent).
 */
export interface DiagnosticPayload extends Pick<FindingData, 'provider' | 'registrySlug' | 'digestFound' | 'verdict' | 'fixes' | 'mode'> {
  code: RuleCode;
  /** The image text as written. */
  reference: string;
}

/** `Diagnostic.data` as sent: the payload without its code. */
type SentPayload = Omit<DiagnosticPayload, 'code'>;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(path.resolve(file)).href;
}

/** The path the engine sees for a document: its file path, or the URI itself for untitled documents. */
export function documentPath(uri: string): string {
  return uriToPath(uri) ?? uri;
}

/** Clamps offsets into the document so a range never lies outside it, whatever the finding says. */
export function offsetRange(document: TextDocument, start: number, end: number): Range {
  // The length without getText(): an open document's text is not joined just to clamp a range.
  const length = document.offsetAt({ line: document.lineCount, character: 0 });
  const safeStart = Math.max(0, Math.min(Number.isFinite(start) ? start : 0, length));
  const safeEnd = Math.max(safeStart, Math.min(Number.isFinite(end) ? end : safeStart, length));
  return { start: document.positionAt(safeStart), end: document.positionAt(safeEnd) };
}

/**
 * `shift`: the finding's offsets are relative to a document that starts `delta` into `file` (the
 * language server keeps each document's findings that way): its range, and its related places in the
 * same file, are moved by `delta` here rather than in a shifted copy of the finding (an object per
 * finding of a converted document, 11 ms of the 4.3 MB benchmark file's cold open).
 */
export function findingToDiagnostic(
  finding: Finding,
  document: TextDocument,
  relatedDocument: (file: string) => TextDocument | undefined,
  shift?: { file: string; delta: number },
): Diagnostic {
  const data: SentPayload = { reference: finding.reference };
  const extra = finding.data;
  if (extra?.provider) data.provider = extra.provider;
  if (extra?.registrySlug) data.registrySlug = extra.registrySlug;
  if (extra?.digestFound) data.digestFound = extra.digestFound;
  if (extra?.verdict) data.verdict = extra.verdict;
  // Ready-made fixes (customer-pull rules): text edits, possibly in other files of the release.
  if (extra?.fixes && extra.fixes.length > 0) data.fixes = extra.fixes;
  if (extra?.mode) data.mode = extra.mode;
  const delta = shift?.delta ?? 0;
  const diagnostic: Diagnostic = {
    range: offsetRange(document, finding.start + delta, finding.end + delta),
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    // The client shows and may persist this text: no known secret or URL password leaves the server in it.
    message: redact(finding.message),
    data,
  };
  // Most findings have no related place: no list made for them.
  if (!finding.related || finding.related.length === 0) return diagnostic;
  const related: DiagnosticRelatedInformation[] = [];
  for (const location of finding.related) {
    const other = relatedDocument(location.file);
    if (!other) continue;
    const moved = shift !== undefined && location.file === shift.file ? delta : 0;
    related.push({ location: { uri: other.uri, range: offsetRange(other, location.start + moved, location.end + moved) }, message: location.message });
  }
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/** Our payload of a diagnostic the client sends back (code actions), or undefined for other sources. */
export function payloadOf(diagnostic: Diagnostic): DiagnosticPayload | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<SentPayload> | null | undefined;
  if (typeof diagnostic.code !== 'string' || typeof data !== 'object' || data === null || typeof data.reference !== 'string') return undefined;
  return { ...(data as SentPayload), code: diagnostic.code as RuleCode };
}
