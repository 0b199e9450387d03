/**
 * `findImages`: every image reference in a YAML file, with exact offsets. Each document goes through
 * the fast line scanner; only a document it cannot decide is parsed with `yaml`.
 */
import type { DocumentRange, FindImagesOptions, FoundImage, YamlSyntaxError } from '../analysis/types';
import { parseImageReference } from '../reference/imageReference';
import { splitDocuments } from './documents';
import { FastScanner, Undecidable } from './fastScanner';
import { parseDocumentFully } from './fullParse';
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
  if (role === 'helm-template') return NO_ERRORS;
  const errors: YamlSyntaxError[] = [];
  for (const range of splitDocuments(text)) for (const error of documentTree(text, range, role).errors) errors.push(error);
  remember(text, filePath, role, errors);
  return errors;
}

function remember(text: string, filePath: string, role: FileRole, errors: YamlSyntaxError[]): void {
  if (role !== 'helm-template') {
    const control = controlCharacterError(text);
    if (control) errors.push(control);
  }
  lastSyntaxErrors = { text, filePath, errors: role === 'helm-template' ? NO_ERRORS : errors };
}

/** Every image reference in `text` (a whole file, or one document slice when `options.offset` is set). */
export function findImages(text: string, filePath: string, options: FindImagesOptions = {}): FoundImage[] {
  const images: FoundImage[] = [];
  const errors: YamlSyntaxError[] = [];
  const role = fileRoleOf(filePath);
  // A loop, not push(...spread): one document can hold more images than V8 accepts as call arguments (~120,000).
  for (const range of splitDocuments(text)) {
    const tree = documentTree(text, range, role);
    for (const image of imagesFromTree(tree.root, filePath, options)) images.push(image);
    for (const error of tree.errors) errors.push(error);
  }
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
  return imagesInDocument(root, fileRoleOf(filePath)).map((raw) => toFoundImage(raw, proxyDomains, options.registryNames));
}

const TEMPLATE = /\{\{/;

export function toFoundImage(raw: RawImage, proxyDomains: string[], registryNames?: ReadonlyMap<string, string>): FoundImage {
  const image: FoundImage = { text: raw.text, start: raw.start, end: raw.end, kind: raw.kind, templated: TEMPLATE.test(raw.text), exact: raw.exact };
  if (raw.parts) image.parts = raw.parts.map(({ role, start, end, text }) => ({ role, start, end, text }));
  if (image.templated) return image;
  const parsed = parseImageReference(raw.text);
  if (!parsed.ok) return image;
  image.reference = parsed.reference;
  const proxy = parseProxyReference(parsed.reference, proxyDomains, registryNames);
  if (proxy) {
    image.proxy = { domain: proxy.proxyDomain, appSlug: proxy.appSlug };
    image.upstream = proxy.upstream;
  }
  return image;
}

function shiftImage(image: FoundImage, offset: number): FoundImage {
  const shifted: FoundImage = { ...image, start: image.start + offset, end: image.end + offset };
  if (image.parts) shifted.parts = image.parts.map((part) => (part.file ? part : { ...part, start: part.start + offset, end: part.end + offset }));
  return shifted;
}
