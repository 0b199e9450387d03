/**
 * `findImages`: every image reference in a YAML file, with exact offsets. Each document goes through
 * the fast line scanner; only a document it cannot decide is parsed with `yaml`.
 */
import { ANALYSIS_LIMIT_CODE, type DocumentRange, type FindImagesOptions, type FoundImage, type HelmTemplateExpression, type YamlSyntaxError } from '../analysis/types';
import { parseImageReference } from '../reference/imageReference';
import { splitDocuments } from './documents';
import { FastScanner, Undecidable } from './fastScanner';
import { limitError, parseDocumentFully } from './fullParse';
import { formatBytes, INPUT_LIMITS } from '../limits/inputLimits';
import { controlCharacterError } from './syntaxErrors';
import { fileRoleOf, imagesInDocument, type FileRole, type RawImage } from './shapes';
import { parseProxyReference } from '../reference/proxy';
import type { YNode } from './yamlTree';

export { splitDocuments } from './documents';


/** How one document was read (exposed for tests and benchmarks). */
export type ParseStrategy = 'fast' | 'full' | 'auto';

/**
 * The YNode tree of text[range]: fast scanner, `yaml`, or fast with `yaml` as the fallback. `errors`
 * holds the syntax errors `yaml` reported (offsets in `text`); a document the fast scanner decided is
 * well-formed by construction, and Helm chart templates (lenient, never fully parsed) report none.
 */
export function documentTree(text: string, range: DocumentRange, role: FileRole, strategy: ParseStrategy = 'auto'): { root: YNode | null; via: 'fast' | 'full'; errors: YamlSyntaxError[] } {
  const lenient = role === 'helm-template';
  if (strategy !== 'full' || lenient) {
    try {
      return { root: new FastScanner(text, range.start, range.end, lenient).scan(), via: 'fast', errors: NO_ERRORS };
    } catch (error) {
      if (!(error instanceof Undecidable) || strategy === 'fast') throw error;
    }
  }
  const full = parseDocumentFully(text, range.start, range.end);
  return { root: full.root, via: 'full', errors: full.errors };
}

const NO_ERRORS: YamlSyntaxError[] = [];

/**
 * The syntax errors found by the last findImages / findImagesInDocument call that read a whole text,
 * so that the `yaml-syntax` rule (run right after, on the same text) does not read the file twice.
 * One entry: the language server and `lint` both analyse a text and then run the rules on it.
 */
let lastSyntaxErrors: { text: string; filePath: string; errors: YamlSyntaxError[] } | undefined;

/**
 * The YAML syntax errors of `text` (offsets in `text`): none for Helm chart templates. Reuses what the
 * preceding findImages call on the same text found; otherwise reads the text (fast scanner first).
 */
export function yamlSyntaxErrors(text: string, filePath: string): YamlSyntaxError[] {
  const cached = lastSyntaxErrors;
  if (cached && cached.filePath === filePath && cached.text === text) return cached.errors;
  const role = fileRoleOf(filePath);
  if (role === 'helm-template') return oversizedTextError(text) ?? NO_ERRORS;
  const errors: YamlSyntaxError[] = [];
  readDocuments(text, role, (tree) => {
    for (const error of tree.errors) errors.push(error);
  }, errors);
  remember(text, filePath, role, errors);
  return errors;
}

/** What a file too large to analyse gets said (`size` in bytes or characters). */
export function oversizedFileMessage(size: number): string {
  return `this file is ${formatBytes(size)}, more than the ${formatBytes(INPUT_LIMITS.analyzedFileBytes)} analysed per file, so none of it is checked; split it into smaller files`;
}

/** The one limit error of a text too large to analyse at all. */
export function oversizedTextError(text: string): YamlSyntaxError[] | undefined {
  if (text.length <= INPUT_LIMITS.analyzedFileBytes) return undefined;
  const newline = text.indexOf('\n');
  return [limitError(0, Math.max(1, Math.min(newline < 0 ? text.length : newline, 200)), oversizedFileMessage(text.length))];
}

/**
 * Reads each document of `text` under the file's bounds: nothing when the text is too large, and
 * no document after the analysis time budget is spent (one limit error each, into `errors`).
 */
function readDocuments(text: string, role: FileRole, each: (tree: ReturnType<typeof documentTree>) => void, errors: YamlSyntaxError[]): void {
  const oversized = oversizedTextError(text);
  if (oversized) {
    errors.push(...oversized);
    return;
  }
  const deadline = Date.now() + INPUT_LIMITS.analysisTimeMs;
  for (const range of splitDocuments(text)) {
    if (Date.now() > deadline) {
      errors.push(timeBudgetError(text, range.start));
      return;
    }
    each(documentTree(text, range, role));
  }
}

/** The limit error of a file whose analysis stopped at `at` because its time budget was spent. */
export function timeBudgetError(text: string, at: number): YamlSyntaxError {
  const newline = text.indexOf('\n', at);
  return limitError(
    at,
    Math.max(at + 1, newline < 0 ? text.length : newline),
    `analysing this file took longer than ${INPUT_LIMITS.analysisTimeMs / 1000} s, so the documents from here on are not checked`,
  );
}

function remember(text: string, filePath: string, role: FileRole, errors: YamlSyntaxError[]): void {
  if (role !== 'helm-template') {
    const control = controlCharacterError(text);
    if (control) errors.push(control);
  }
  // Chart templates have no syntax errors, but their limits (size, time) are still said.
  lastSyntaxErrors = { text, filePath, errors: role === 'helm-template' ? errors.filter((e) => e.parserCode === ANALYSIS_LIMIT_CODE) : errors };
}

/** Every image reference in `text` (a whole file, or one document slice when `options.offset` is set). */
export function findImages(text: string, filePath: string, options: FindImagesOptions = {}): FoundImage[] {
  const images: FoundImage[] = [];
  const errors: YamlSyntaxError[] = [];
  const role = fileRoleOf(filePath);
  // A loop, not push(...spread): one document can hold more images than V8 accepts as call arguments (~120,000).
  readDocuments(text, role, (tree) => {
    for (const image of imagesFromTree(tree.root, filePath, options)) images.push(image);
    for (const error of tree.errors) errors.push(error);
  }, errors);
  remember(text, filePath, role, errors);
  const offset = options.offset ?? 0;
  return offset === 0 ? images : images.map((image) => shiftImage(image, offset));
}

/** The images of one document of `text` (ranges are offsets in `text`). */
export function findImagesInDocument(text: string, range: DocumentRange, filePath: string, options: FindImagesOptions = {}, strategy: ParseStrategy = 'auto'): FoundImage[] {
  const role = fileRoleOf(filePath);
  const { root, errors } = documentTree(text, range, role, strategy);
  if (strategy === 'auto' && range.start === 0 && range.end === text.length) remember(text, filePath, role, errors === NO_ERRORS ? [] : errors);
  return imagesFromTree(root, filePath, options);
}

/** The images of an already parsed document tree (tests compare the trees of both parse paths this way). */
export function imagesFromTree(root: YNode | null, filePath: string, options: FindImagesOptions = {}): FoundImage[] {
  const proxyDomains = options.proxyDomains ?? [];
  return imagesInDocument(root, fileRoleOf(filePath)).map((raw) => toFoundImage(raw, proxyDomains));
}

const TEMPLATE = /\{\{/;

export function toFoundImage(raw: RawImage, proxyDomains: string[]): FoundImage {
  const image: FoundImage = { text: raw.text, start: raw.start, end: raw.end, kind: raw.kind, templated: TEMPLATE.test(raw.text), exact: raw.exact };
  if (raw.parts) image.parts = raw.parts.map(({ role, start, end, text }) => ({ role, start, end, text }));
  if (image.templated) {
    if (raw.kind === 'helm-template' && !raw.parts) {
      const expression = parseHelmTemplateExpression(raw.text, raw.exact ? raw.start : undefined);
      if (expression) image.helmTemplate = expression;
    }
    return image;
  }
  const parsed = parseImageReference(raw.text);
  if (!parsed.ok) return image;
  image.reference = parsed.reference;
  const proxy = parseProxyReference(parsed.reference, proxyDomains);
  if (proxy) {
    image.proxy = { domain: proxy.proxyDomain, appSlug: proxy.appSlug };
    image.upstream = proxy.upstream;
  }
  return image;
}

function shiftImage(image: FoundImage, offset: number): FoundImage {
  const shifted: FoundImage = { ...image, start: image.start + offset, end: image.end + offset };
  if (image.parts) shifted.parts = image.parts.map((part) => (part.file ? part : { ...part, start: part.start + offset, end: part.end + offset }));
  if (image.helmTemplate) {
    shifted.helmTemplate = {
      pieces: image.helmTemplate.pieces.map((piece) => ('literal' in piece ? piece : { ...piece, start: piece.start + offset, end: piece.end + offset })),
    };
  }
  return shifted;
}

/**
 * `"{{ .Values.image.repository }}:{{ .Values.image.tag | default "1.0" }}"` → literal and look-up pieces.
 * Undefined when any expression is more than a plain `.Values.a.b` path (with an optional literal default).
 */
export function parseHelmTemplateExpression(text: string, textStart: number | undefined): HelmTemplateExpression | undefined {
  const pieces: HelmTemplateExpression['pieces'] = [];
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('{{', position);
    if (open < 0) {
      pieces.push({ literal: text.slice(position) });
      break;
    }
    if (open > position) pieces.push({ literal: text.slice(position, open) });
    const close = text.indexOf('}}', open + 2);
    if (close < 0) return undefined;
    const inner = text.slice(open + 2, close).replace(/^-\s*/, '').replace(/\s*-$/, '').trim();
    const match = /^\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)(?:\s*\|\s*default\s+"([^"\\]*)")?(?:\s*\|\s*quote)?$/.exec(inner);
    if (!match) return undefined;
    const path = (match[1] as string).slice(1).split('.');
    const start = textStart === undefined ? -1 : textStart + open;
    const end = textStart === undefined ? -1 : textStart + close + 2;
    pieces.push(match[2] === undefined ? { valuesPath: path, start, end } : { valuesPath: path, defaultLiteral: match[2], start, end });
    position = close + 2;
  }
  return pieces.some((piece) => 'valuesPath' in piece) ? { pieces } : undefined;
}
