/**
 * `findImages`: every image reference in a YAML file, with exact offsets. Each document goes through
 * the fast line scanner; only a document it cannot decide is parsed with `yaml`.
 */
import type { DocumentRange, FindImagesOptions, FoundImage, ImageScan, YamlSyntaxError } from '../findings/types';
import type { ImageReference } from '../reference/types';
import { formatBytes, INPUT_LIMITS } from '../limits/inputLimits';
import { parseImageReference } from '../reference/imageReference';
import { hasTemplateLine, splitDocuments, templateLineOffsets } from './documents';
import { FastScanner, Undecidable } from '../yaml/fastScanner';
import { limitError, parseDocumentFully } from './fullParse';
import { controlCharacterError } from './syntaxErrors';
import { fileRoleOf, imagesInDocument, type FileRole, type RawImage } from './shapes';
import { parseProxyReference } from '../reference/proxy';
import type { YNode } from '../yaml/yamlTree';

export { splitDocuments } from './documents';


/** How one document was read (exposed for tests and benchmarks). */
export type ParseStrategy = 'fast' | 'full' | 'auto';

/**
 * The YNode tree of text[range]: fast scanner, `yaml`, or fast with `yaml` as the fallback. `errors`
 * holds the syntax errors `yaml` reported (offsets in `text`); a document the fast scanner decided is
 * well-formed by construction, and templates — Helm chart templates, and any document with a line that
 * starts with `{{` (`templated`, found from the text when not given) — are read leniently and report none.
 */
export function documentTree(text: string, range: DocumentRange, role: FileRole, strategy: ParseStrategy = 'auto', templated?: boolean): { root: YNode | null; via: 'fast' | 'full'; errors: YamlSyntaxError[] } {
  const lenient = role === 'helm-template' || (templated ?? hasTemplateLine(text, range.start, range.end));
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
 * Every image reference in `text` (a whole file, or one document slice when `options.offset` is set),
 * and the file's YAML syntax errors (none for Helm chart templates): one read serves the finder and
 * the `yaml-syntax` rule, and the caller holds both, so nothing is left behind for a later call.
 */
export function findImages(text: string, filePath: string, options: FindImagesOptions = {}): ImageScan {
  const images: FoundImage[] = [];
  const syntaxErrors: YamlSyntaxError[] = [];
  const oversized = oversizedTextError(text);
  if (oversized) return { images, syntaxErrors: oversized };
  const role = fileRoleOf(filePath);
  // Found once for the whole text: searching `{{` per document would scan the rest of a big file each time.
  const templateLines = templateLineOffsets(text);
  let nextTemplateLine = 0;
  const deadline = Date.now() + INPUT_LIMITS.analysisTimeMs;
  // The images of one file with the same text share one read of it (as the language server's
  // FileReading does): the benchmark manifest's 8,332 images have 4,400 distinct texts.
  const reading = { ...options, parsed: new Map<string, ParsedImageText>() };
  // A loop, not push(...spread): one document can hold more images than V8 accepts as call arguments (~120,000).
  for (const range of splitDocuments(text)) {
    if (Date.now() > deadline) {
      // The per-file time budget is spent: the documents from here on are not read, and one error says so.
      syntaxErrors.push(timeBudgetError(text, range.start));
      break;
    }
    while (nextTemplateLine < templateLines.length && (templateLines[nextTemplateLine] as number) < range.start) nextTemplateLine++;
    const templated = nextTemplateLine < templateLines.length && (templateLines[nextTemplateLine] as number) < range.end;
    const tree = documentTree(text, range, role, 'auto', templated);
    for (const image of imagesFromTree(tree.root, filePath, reading, role)) images.push(image);
    for (const error of tree.errors) syntaxErrors.push(error);
  }
  if (role !== 'helm-template') {
    const control = controlCharacterError(text, 0, text.length);
    if (control) syntaxErrors.push(control);
  }
  const offset = options.offset ?? 0;
  if (offset === 0) return { images, syntaxErrors };
  return { images: images.map((image) => shiftImage(image, offset)), syntaxErrors: syntaxErrors.map((error) => ({ ...error, start: error.start + offset, end: error.end + offset })) };
}

/** What a file too large to analyse gets said (`size` in bytes or characters). */
export function oversizedFileMessage(size: number): string {
  return `this file is ${formatBytes(size)}, more than the ${formatBytes(INPUT_LIMITS.analyzedFileBytes)} analysed per file, so none of it is checked; split it into smaller files`;
}

/** The one limit error of a text too large to analyse at all (INPUT_LIMITS.analyzedFileBytes), or undefined. */
export function oversizedTextError(text: string): YamlSyntaxError[] | undefined {
  if (text.length <= INPUT_LIMITS.analyzedFileBytes) return undefined;
  const newline = text.indexOf('\n');
  return [limitError(0, Math.max(1, Math.min(newline < 0 ? text.length : newline, 200)), oversizedFileMessage(text.length))];
}

/** The limit error of a file whose analysis stopped at `at` because its time budget (INPUT_LIMITS.analysisTimeMs) was spent. */
export function timeBudgetError(text: string, at: number): YamlSyntaxError {
  const newline = text.indexOf('\n', at);
  return limitError(
    at,
    Math.max(at + 1, newline < 0 ? text.length : newline),
    `analysing this file took longer than ${INPUT_LIMITS.analysisTimeMs / 1000} s, so the documents from here on are not checked`,
  );
}

/**
 * The limit error of a document whose reading needed more memory than the language server's analysis
 * worker may use (`limitMb`): it and the documents after it are not checked.
 */
export function memoryBudgetError(text: string, at: number, limitMb: number): YamlSyntaxError {
  const newline = text.indexOf('\n', at);
  return limitError(
    at,
    Math.max(at + 1, newline < 0 ? text.length : newline),
    `reading this document needed more than ${limitMb} MB of memory, so it and the documents after it are not checked; split it into smaller documents`,
  );
}

/**
 * The images and syntax errors of one document of `text` (ranges are offsets in `text`). `options.role`:
 * the file's role when the caller knows it already — a caller reading a file document by document asks
 * once, not three regular expressions on the path per document (11 ms of a cold 5,000-document open).
 */
export function findImagesInDocument(text: string, range: DocumentRange, filePath: string, options: FindImagesOptions & Partial<FileReading> = {}, strategy: ParseStrategy = 'auto'): ImageScan {
  const role = options.role ?? fileRoleOf(filePath);
  const { root, errors } = documentTree(text, range, role, strategy);
  const syntaxErrors = errors === NO_ERRORS ? [] : [...errors];
  if (role !== 'helm-template') {
    const control = controlCharacterError(text, range.start, range.end);
    if (control) syntaxErrors.push(control);
  }
  return { images: imagesFromTree(root, filePath, options, role), syntaxErrors };
}

/** The images of an already parsed document tree (tests compare the trees of both parse paths this way). */
export function imagesFromTree(root: YNode | null, filePath: string, options: FindImagesOptions & { parsed?: ParsedImageTexts } = {}, role: FileRole = fileRoleOf(filePath)): FoundImage[] {
  if (!root) return [];
  const proxyDomains = options.proxyDomains ?? [];
  const raws = imagesInDocument(root, role);
  const images: FoundImage[] = new Array<FoundImage>(raws.length);
  for (let i = 0; i < raws.length; i++) images[i] = toFoundImage(raws[i] as RawImage, proxyDomains, options.registryNames, options.parsed);
  return images;
}

/** What an image text reads as (its reference and proxy form), never changed once made. */
export interface ParsedImageText {
  text: string;
  reference?: ImageReference;
  upstream?: ImageReference;
  proxy?: { domain: string; appSlug: string };
}

/**
 * Image texts already read, by text, for one caller that reads many documents under one configuration
 * (the language server reading a file document by document): the images with the same text share one
 * reference instead of each holding its own. The 5,000-document benchmark manifest has 8,332 images and
 * 4,400 distinct texts; its references were 4.7 of the 16 MB the first pass keeps, and every young-
 * generation GC during that pass copies what it keeps.
 */
export type ParsedImageTexts = Map<string, ParsedImageText>;

/**
 * What the documents of one file read under one configuration share: the file's role (asked once, not
 * twice per document) and the image texts read so far (ParsedImageTexts).
 */
export interface FileReading {
  role: FileRole;
  parsed: ParsedImageTexts;
}

function parseImageText(text: string, proxyDomains: string[], registryNames: ReadonlyMap<string, string> | undefined): ParsedImageText {
  const parsed = parseImageReference(text);
  if (!parsed.ok) return { text };
  const proxy = parseProxyReference(parsed.reference, proxyDomains, registryNames);
  if (!proxy) return { text, reference: parsed.reference };
  return { text, reference: parsed.reference, proxy: { domain: proxy.proxyDomain, appSlug: proxy.appSlug }, upstream: proxy.upstream };
}

export function toFoundImage(raw: RawImage, proxyDomains: string[], registryNames?: ReadonlyMap<string, string>, known?: ParsedImageTexts): FoundImage {
  // A Compose image with `${VAR}` waits for its `.env` (composeInterpolation.ts) before any rule reads it.
  const templated = raw.text.includes('{{') || (raw.kind === 'compose' && !raw.interpolated && raw.text.includes('$'));
  const image: FoundImage = { text: raw.text, start: raw.start, end: raw.end, kind: raw.kind, templated, exact: raw.exact };
  if (raw.parts) image.parts = raw.parts.map(({ role, start, end, text }) => ({ role, start, end, text }));
  if (templated) return image;
  let parsed = known?.get(raw.text);
  if (!parsed) {
    parsed = parseImageText(raw.text, proxyDomains, registryNames);
    known?.set(raw.text, parsed);
  }
  // The shared text: one string per distinct image text, not one per place.
  image.text = parsed.text;
  if (parsed.reference) image.reference = parsed.reference;
  if (parsed.proxy) image.proxy = parsed.proxy;
  if (parsed.upstream) image.upstream = parsed.upstream;
  return image;
}

function shiftImage(image: FoundImage, offset: number): FoundImage {
  const shifted: FoundImage = { ...image, start: image.start + offset, end: image.end + offset };
  if (image.parts) shifted.parts = image.parts.map((part) => (part.file ? part : { ...part, start: part.start + offset, end: part.end + offset }));
  return shifted;
}
