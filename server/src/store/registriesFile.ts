/**
 * `.replicated-registries.yaml`: find it, parse it into a RegistriesConfig with exact problem
 * ranges (the language server shows them as diagnostics), and edit it without disturbing anything
 * the user wrote outside the changed entry.
 *
 * Edits splice text: the changed entry is rendered with the `yaml` Document API and put in place
 * of the old entry's exact source range, so comments, blank lines, quoting and key order elsewhere
 * stay byte-for-byte as the user wrote them. The file never receives a secret: only the known,
 * non-secret fields of an entry are ever written.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node, type Pair } from 'yaml';
import { AUTH_TYPES, PROVIDERS, type AuthType, type Provider, type RegistryEntry } from '../registry/types';
import { BoundedReadError, readRegularFileSync } from '../limits/boundedFiles';
import { formatBytes, INPUT_LIMITS } from '../limits/inputLimits';
import { nestingDeeperThan } from '../limits/nestingDepth';
import type { RegistriesConfig } from './types';
import { registriesSchemaValidator } from './registriesSchemaValidator';
import {
  defaultAuthType,
  endpointFitsProvider,
  endpointShapeProblem,
  ENDPOINT_EXAMPLES,
  fixedUsername,
  hasUserinfo,
  isAuthTypeAllowed,
  PROVIDER_AUTH_TYPES,
  PROVIDER_LABELS,
  providerForHost,
  withoutUserinfo,
} from './providerRules';

export const REGISTRIES_FILE_NAME = '.replicated-registries.yaml';

/** One problem in the file, with the exact source range it is about. */
export interface ConfigProblem {
  message: string;
  severity: 'error' | 'warning';
  /** Offsets into the text, [start, end). */
  start: number;
  end: number;
  /** 1-based position of `start`. */
  line: number;
  column: number;
  /** What kind of problem: `yaml-syntax`, `schema`, `secret-in-file`, `duplicate-slug`, `endpoint-shape`, `provider-endpoint-mismatch`, `auth-type`, `username`, `connection-options`, `limit`, `io`. */
  code: string;
}

export interface ParsedRegistriesFile {
  /** Best-effort configuration: entries too broken to use are left out, defaults are filled. */
  config: RegistriesConfig;
  problems: ConfigProblem[];
}

export interface LoadedRegistriesFile extends ParsedRegistriesFile {
  filePath: string;
  text: string;
}

const SECRET_GUIDANCE =
  'secrets do not belong in this file (it is meant to be committed): keep the password, token or key in your credential store — ' +
  'VS Code SecretStorage, the Docker credential store (`replicated-registries registry add ... --password-stdin`), ' +
  'or the REPLICATED_REGISTRIES_<SLUG>_PASSWORD environment variable — and delete this line';

/** Key names that can only mean a secret; rejected wherever they appear. */
const SECRET_KEY = /^(?:pass(?:word|wd)?|pwd|token|.*_?token|secret.*|.*secret|accesskey|secretaccesskey|serviceaccountkey|identitytoken|auth|apikey|api_key|privatekey|private_key|credentials?|jsonkey|json_key|key)$/i;

/** Thrown when the file cannot be used; the message lists `file:line:col message` lines and how to fix them. */
export class RegistriesFileError extends Error {
  constructor(
    readonly filePath: string,
    readonly problems: ConfigProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const shown = errors.length > 0 ? errors : problems;
    const lines = shown.map((p) => `  ${filePath}:${p.line}:${p.column} ${p.message}`);
    super(
      `${filePath} has ${shown.length} problem${shown.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n` +
        `Fix ${shown.length === 1 ? 'it' : 'them'} in the file (its schema is schemas/registries.schema.json; the editor shows the same messages) and run the command again.`,
    );
    this.name = 'RegistriesFileError';
  }
}

/** Thrown by edits when the text cannot be edited safely (broken YAML, unexpected shape, no such entry). */
export class RegistriesEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistriesEditError';
  }
}

/** Thrown when no registry matches a slug or endpoint. */
export class RegistryNotFoundError extends Error {
  constructor(
    readonly nameOrEndpoint: string,
    known: string[],
  ) {
    super(
      `no registry named "${nameOrEndpoint}"` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the file lists no registries)') +
        '; run `replicated-registries registry ls` to see them',
    );
    this.name = 'RegistryNotFoundError';
  }
}

/** The registries file in `startDir` or its nearest parent that has one. */
export function findRegistriesFile(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, REGISTRIES_FILE_NAME);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here: keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The registries file's text, or the one problem that says why it cannot be used: missing, not a regular
 * file (a FIFO would block), or over INPUT_LIMITS.registriesFileBytes (a 50 MB file would stall).
 */
export function readRegistriesFileText(filePath: string): { text: string } | { problem: ConfigProblem } {
  try {
    return { text: readRegularFileSync(filePath, INPUT_LIMITS.registriesFileBytes).toString('utf8') };
  } catch (err) {
    const bounded = err instanceof BoundedReadError ? err : undefined;
    const reason =
      bounded?.code === 'ENOENT'
        ? 'does not exist; check the path, or run `replicated-registries registry add` to create it'
        : bounded?.failure === 'too-large'
          ? `cannot be used: ${bounded.message} (a registries file lists tens of registries, at most ${INPUT_LIMITS.registriesFileEntries.toLocaleString('en-US')})`
          : `cannot be read (${bounded?.message ?? (err as Error).message}); check the path and its permissions`;
    return { problem: { message: `the registries file ${reason}`, severity: 'error', start: 0, end: 0, line: 1, column: 1, code: bounded?.failure === 'too-large' ? 'limit' : 'io' } };
  }
}

/** Reads and parses the file; throws RegistriesFileError when it has errors (warnings are returned). */
export function loadRegistriesFile(filePath: string): LoadedRegistriesFile {
  const read = readRegistriesFileText(filePath);
  if ('problem' in read) throw new RegistriesFileError(filePath, [read.problem]);
  const parsed = parseRegistriesFile(read.text, filePath);
  if (parsed.problems.some((p) => p.severity === 'error')) throw new RegistriesFileError(filePath, parsed.problems);
  return { ...parsed, filePath, text: read.text };
}

export function emptyRegistriesConfig(): RegistriesConfig {
  return { registries: [], customDomains: { proxy: [], registry: [] }, public: [] };
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

type PathSegment = string | number;

/** Parses the file text. Never throws: every problem comes back with its range. */
export function parseRegistriesFile(text: string, filePath: string): ParsedRegistriesFile {
  const refused = refusedRegistriesText(text);
  if (refused) return { config: emptyRegistriesConfig(), problems: [refused] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const problems: ConfigProblem[] = [];
  const at = (start: number, end: number, message: string, severity: ConfigProblem['severity'], code: string): void => {
    const pos = lineCounter.linePos(start);
    problems.push({ message, severity, start, end: Math.max(start, end), line: pos.line, column: pos.col, code });
  };

  for (const error of doc.errors) at(error.pos[0], error.pos[1], `YAML syntax error: ${firstLine(error.message)}`, 'error', 'yaml-syntax');
  for (const warning of doc.warnings) at(warning.pos[0], warning.pos[1], firstLine(warning.message), 'warning', 'yaml-syntax');

  const entries = registryItems(doc);
  if (entries.length > INPUT_LIMITS.registriesFileEntries) {
    const first = entries[INPUT_LIMITS.registriesFileEntries]?.range?.[0] ?? 0;
    at(first, first + 1, `the file lists ${entries.length.toLocaleString('en-US')} registries, more than the ${INPUT_LIMITS.registriesFileEntries.toLocaleString('en-US')} it may hold; none of them is used until the list is shortened`, 'error', 'limit');
    return { config: emptyRegistriesConfig(), problems };
  }

  let value: unknown = null;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      at(0, 0, `YAML error: ${(err as Error).message}`, 'error', 'yaml-syntax');
    }
  }
  if (doc.errors.length > 0 || problems.some((p) => p.severity === 'error')) {
    // Read as far as it goes (the editor lists what it can), but no entry of a broken file sends credentials.
    const config = toConfig(doc.errors.length === 0 ? value : safeToJS(doc), filePath, () => 'the registries file has a YAML error');
    return { config, problems };
  }
  // An empty or comment-only file is an empty configuration.
  const instance = value ?? {};

  const validate = registriesSchemaValidator();
  if (!validate(instance)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const described = describeSchemaError(error, instance);
      if (!described) continue;
      const range = rangeFor(doc, text, described.path, described.target);
      const key = `${range[0]}:${range[1]}:${described.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      at(range[0], range[1], described.message, 'error', described.code);
    }
  }
  checkSemantics(doc, text, instance, at);
  problems.sort((a, b) => a.start - b.start || a.end - b.end);
  return { config: toConfig(instance, filePath, entryErrors(entries, problems)), problems };
}

/** A registries file too large or too deeply nested to parse: the one problem that says so. */
function refusedRegistriesText(text: string): ConfigProblem | undefined {
  const problem = (offset: number, message: string): ConfigProblem => {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { message, severity: 'error', start: offset, end: Math.min(text.length, offset + 1), line, column: offset - lineStart + 1, code: 'limit' };
  };
  if (text.length > INPUT_LIMITS.registriesFileBytes) {
    return problem(0, `the registries file is ${formatBytes(text.length)}, more than the ${formatBytes(INPUT_LIMITS.registriesFileBytes)} it may be; it is not read (a team lists tens of registries)`);
  }
  const deep = nestingDeeperThan(text, 0, text.length, INPUT_LIMITS.nestingDepth);
  if (deep !== undefined) return problem(deep, `the registries file nests deeper than ${INPUT_LIMITS.nestingDepth} levels here; it is not read (its structure is three levels deep)`);
  return undefined;
}

/** The item nodes of the `registries:` sequence, in order (none when it is missing or not a sequence). */
function registryItems(doc: Document): Array<{ range?: [number, number, number] | null }> {
  const value = isMap(doc.contents) ? doc.contents.get('registries', true) : undefined;
  return isSeq(value) ? (value.items as Array<{ range?: [number, number, number] | null }>) : [];
}

/** index → the first error inside that registry entry, as `line N: message`. */
function entryErrors(items: Array<{ range?: [number, number, number] | null }>, problems: readonly ConfigProblem[]): (index: number) => string | undefined {
  return (index) => {
    const range = items[index]?.range;
    if (!range) return undefined;
    const error = problems.find((p) => p.severity === 'error' && p.start >= range[0] && p.start < Math.max(range[1], range[0] + 1));
    return error ? `line ${error.line}: ${error.message}` : undefined;
  };
}

function safeToJS(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch {
    return null;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function decodePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A readable name for a place in the file: `registry "acme" (#1)`, `customDomains.proxy[0]`. */
function describePlace(pathSegments: PathSegment[], instance: unknown): string {
  if (pathSegments.length === 0) return 'the file';
  if (pathSegments[0] === 'registries' && typeof pathSegments[1] === 'number') {
    const entry = getAt(instance, pathSegments.slice(0, 2));
    const slug = isRecord(entry) && typeof entry.slug === 'string' ? entry.slug : isRecord(entry) && typeof entry.endpoint === 'string' ? withoutUserinfo(entry.endpoint) : undefined;
    const base = `registry #${pathSegments[1] + 1}${slug ? ` ("${slug}")` : ''}`;
    const rest = pathSegments.slice(2);
    return rest.length === 0 ? base : `\`${joinPath(rest)}\` of ${base}`;
  }
  return `\`${joinPath(pathSegments)}\``;
}

function joinPath(segments: PathSegment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

function getAt(value: unknown, segments: PathSegment[]): unknown {
  let current = value;
  for (const s of segments) {
    if (Array.isArray(current) && typeof s === 'number') current = current[s];
    else if (isRecord(current) && typeof s === 'string') current = current[s];
    else return undefined;
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', array: 'a list', object: 'a mapping (key: value lines)', boolean: 'true or false', number: 'a number' };

interface DescribedError {
  message: string;
  path: PathSegment[];
  /** Which part to underline: the value, the key of the last segment, or the first line of the object. */
  target: 'value' | 'key' | 'object';
  code: string;
}

function describeSchemaError(error: ErrorObject, instance: unknown): DescribedError | undefined {
  const where = decodePointer(error.instancePath);
  const place = describePlace(where, instance);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const keyPath = [...where, name];
      if (SECRET_KEY.test(name)) return { message: `\`${name}\`: ${SECRET_GUIDANCE}`, path: keyPath, target: 'key', code: 'secret-in-file' };
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      const suggestion = (where.length === 2 && where[0] === 'registries' ? FIELD_ALIASES[name.toLowerCase()] : undefined) ?? closest(name, allowed);
      return {
        message: `unknown property \`${name}\` in ${place}${suggestion ? `; did you mean \`${suggestion}\`?` : ''} (allowed: ${allowed.join(', ')})`,
        path: keyPath,
        target: 'key',
        code: 'schema',
      };
    }
    case 'not': {
      // Only the forbiddenSecret definition uses `not`: a key that can only hold a secret.
      const name = String(where[where.length - 1] ?? '');
      return { message: `\`${name}\`: ${SECRET_GUIDANCE}`, path: where, target: 'key', code: 'secret-in-file' };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const example = missing === 'endpoint' ? ` (for example \`endpoint: ${exampleEndpointFor(getAt(instance, where))}\`)` : missing === 'provider' ? ` (one of ${PROVIDERS.join(', ')})` : '';
      return { message: `${place} is missing \`${missing}\`${example}`, path: where, target: 'object', code: 'schema' };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const actual = getAt(instance, where);
      const suggestion = typeof actual === 'string' ? closest(actual, allowed) : undefined;
      return {
        message: `${place} must be one of ${allowed.join(', ')}, not ${typeName(actual)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        path: where,
        target: 'value',
        code: 'schema',
      };
    }
    case 'type': {
      const expected = String(params.type);
      const actual = getAt(instance, where);
      const quotedBoolean = expected === 'boolean' && (actual === 'true' || actual === 'false') ? ' (write it without quotes)' : '';
      return { message: `${place} must be ${TYPE_WORDS[expected] ?? expected}, not ${typeName(actual)}${quotedBoolean}`, path: where, target: 'value', code: 'schema' };
    }
    case 'minLength':
      return { message: `${place} must not be empty`, path: where, target: 'value', code: 'schema' };
    case 'pattern': {
      const last = where[where.length - 2];
      if (where[where.length - 1] === 'slug') return { message: `${place} must not contain spaces`, path: where, target: 'value', code: 'schema' };
      if (where[0] === 'public') return { message: `${place} must be a host (\`quay.io\`) or \`host/repository-prefix\` (\`docker.io/library\`), without scheme or spaces`, path: where, target: 'value', code: 'schema' };
      if (last === 'proxy' || last === 'registry') return { message: `${place} must be a host name (optionally with :port), without scheme or path`, path: where, target: 'value', code: 'schema' };
      return { message: `${place} has an invalid format`, path: where, target: 'value', code: 'schema' };
    }
    default:
      return { message: `${place} ${error.message ?? 'is invalid'}`, path: where, target: 'value', code: 'schema' };
  }
}

/** Names people carry over from the `replicated` CLI flags or other tools, and the field they mean. */
const FIELD_ALIASES: Record<string, string> = {
  name: 'slug',
  accesskeyid: 'username',
  user: 'username',
  type: 'provider',
  kind: 'provider',
  host: 'endpoint',
  url: 'endpoint',
  registry: 'endpoint',
  server: 'endpoint',
  authtype: 'authType',
  appid: 'appIds',
  app_ids: 'appIds',
  'app-ids': 'appIds',
  cafile: 'caFile',
  'ca-file': 'caFile',
  insecure: 'insecureSkipTLSVerify',
  'insecure-skip-tls-verify': 'insecureSkipTLSVerify',
  'plain-http': 'plainHttp',
  plainhttp: 'plainHttp',
};

function exampleEndpointFor(entry: unknown): string {
  const provider = isRecord(entry) && typeof entry.provider === 'string' && (PROVIDERS as readonly string[]).includes(entry.provider) ? (entry.provider as Provider) : 'other';
  return ENDPOINT_EXAMPLES[provider].split(' ')[0] ?? 'registry.example.com';
}

/** The closest candidate by edit distance, when it is plausibly a typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previousDiagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, previousDiagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      previousDiagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The node at a path and the pair key that leads to it (when the last segment is a map key). */
function nodeAt(doc: Document, segments: PathSegment[]): { node: Node | null | undefined; key: Node | undefined } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const s of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(s));
      if (!pair) return { node: undefined, key: undefined };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof s === 'number') {
      key = undefined;
      node = node.items[s];
    } else {
      return { node: undefined, key: undefined };
    }
  }
  return { node: node as Node | null | undefined, key };
}

function rangeFor(doc: Document, text: string, segments: PathSegment[], target: DescribedError['target']): [number, number] {
  // Walk up until something exists (a missing key underlines its parent).
  for (let depth = segments.length; depth >= 0; depth--) {
    const { node, key } = nodeAt(doc, segments.slice(0, depth));
    const exact = depth === segments.length;
    if (exact && target === 'key' && key?.range) return [key.range[0], key.range[1]];
    if (node?.range) {
      const [start, valueEnd] = node.range;
      if ((target === 'object' || !exact || isMap(node) || isSeq(node)) && (isMap(node) || isSeq(node))) {
        // Underline the first line of a collection, not the whole block.
        const lineEnd = text.indexOf('\n', start);
        const firstKeyEnd = isMap(node) ? ((node.items[0]?.key as Node | undefined)?.range?.[1] ?? valueEnd) : valueEnd;
        const end = Math.min(valueEnd, firstKeyEnd, lineEnd < 0 ? text.length : lineEnd);
        return [start, Math.max(end, start + 1)];
      }
      return [start, Math.max(valueEnd, start)];
    }
    if (key?.range) return [key.range[0], key.range[1]];
  }
  return [0, 0];
}

type At = (start: number, end: number, message: string, severity: ConfigProblem['severity'], code: string) => void;

/** Checks the schema cannot express: duplicates, endpoint shape, provider/endpoint and provider/authType fit. */
function checkSemantics(doc: Document, text: string, instance: unknown, at: At): void {
  if (!isRecord(instance) || !Array.isArray(instance.registries)) return;
  const firstBySlug = new Map<string, number>();
  instance.registries.forEach((entry: unknown, index: number) => {
    if (!isRecord(entry)) return;
    const base: PathSegment[] = ['registries', index];
    const place = describePlace(base, instance);
    const rangeOf = (field: string): [number, number] => rangeFor(doc, text, [...base, field], 'value');
    const provider = typeof entry.provider === 'string' && (PROVIDERS as readonly string[]).includes(entry.provider) ? (entry.provider as Provider) : undefined;
    const endpoint = typeof entry.endpoint === 'string' && entry.endpoint.length > 0 ? withoutUserinfo(entry.endpoint) : undefined;

    const slug = typeof entry.slug === 'string' ? entry.slug : endpoint;
    if (slug !== undefined) {
      const first = firstBySlug.get(slug);
      if (first === undefined) firstBySlug.set(slug, index);
      else {
        const [s, e] = rangeOf(typeof entry.slug === 'string' ? 'slug' : 'endpoint');
        const firstLineNumber = lineOf(text, rangeFor(doc, text, ['registries', first], 'object')[0]);
        at(s, e, `duplicate registry name "${slug}" (registry #${first + 1}, line ${firstLineNumber}, has it too): give each registry its own \`slug\``, 'error', 'duplicate-slug');
      }
    }

    if (endpoint !== undefined) {
      const given = entry.endpoint as string;
      const shape = endpointShapeProblem(given);
      const [s, e] = rangeOf('endpoint');
      if (shape && hasUserinfo(given)) at(s, e, `${shape}; this file is meant to be committed, so change that password`, 'error', 'secret-in-file');
      else if (shape) at(s, e, shape, 'error', 'endpoint-shape');
      else if (provider && !endpointFitsProvider(provider, endpoint)) {
        const actual = providerForHost(endpoint);
        const advice = actual ? `\`${endpoint}\` is ${PROVIDER_LABELS[actual]}: use \`provider: ${actual}\`` : `use an endpoint like \`${ENDPOINT_EXAMPLES[provider]}\`, or \`provider: other\` for a self-hosted registry`;
        at(s, e, `endpoint \`${endpoint}\` is not a ${PROVIDER_LABELS[provider]} host; ${advice}`, 'error', 'provider-endpoint-mismatch');
      } else if (provider === 'other') {
        const actual = providerForHost(endpoint);
        if (actual) at(s, e, `\`${endpoint}\` is ${PROVIDER_LABELS[actual]}: use \`provider: ${actual}\` so it is authenticated the way Replicated does`, 'warning', 'provider-endpoint-mismatch');
      }
    }

    const authType = typeof entry.authType === 'string' && (AUTH_TYPES as readonly string[]).includes(entry.authType) ? (entry.authType as AuthType) : undefined;
    if (provider && authType && !isAuthTypeAllowed(provider, authType)) {
      const [s, e] = rangeOf('authType');
      at(s, e, `authType \`${authType}\` is not available for provider \`${provider}\`; use ${PROVIDER_AUTH_TYPES[provider].map((a) => `\`${a}\``).join(' or ')}`, 'error', 'auth-type');
    }
    if (provider && typeof entry.username === 'string') {
      const expected = fixedUsername(provider, authType ?? defaultAuthType(provider));
      if (expected && entry.username !== expected) {
        const [s, e] = rangeOf('username');
        at(s, e, `${place} authenticates as \`${expected}\` (${authType ?? defaultAuthType(provider)}); remove \`username\` or set it to \`${expected}\``, 'warning', 'username');
      }
    }
    if (entry.plainHttp === true && (entry.insecureSkipTLSVerify === true || typeof entry.caFile === 'string')) {
      const [s, e] = rangeOf('plainHttp');
      at(s, e, `${place} uses plain HTTP, so \`caFile\` and \`insecureSkipTLSVerify\` have no effect; remove them or \`plainHttp\``, 'warning', 'connection-options');
    }
  });
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const RULE_SEVERITIES = new Set(['off', 'error', 'warning', 'info', 'hint']);

/**
 * Builds the configuration from whatever is usable, filling defaults. `errorOf` names the error of an
 * entry (by its index in the file), which is then kept for display but never sends credentials.
 */
function toConfig(value: unknown, filePath: string, errorOf: (index: number) => string | undefined = () => undefined): RegistriesConfig {
  const config = emptyRegistriesConfig();
  if (!isRecord(value)) return config;
  if (typeof value.app === 'string') config.app = value.app;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.length > 0) : []);
  if (isRecord(value.customDomains)) {
    config.customDomains.proxy = strings(value.customDomains.proxy);
    config.customDomains.registry = strings(value.customDomains.registry);
  }
  config.public = strings(value.public);
  if (Array.isArray(value.installModes)) {
    const modes = strings(value.installModes).filter((mode): mode is 'online' | 'airgap' | 'helm' => mode === 'online' || mode === 'airgap' || mode === 'helm');
    config.installModes = [...new Set(modes)];
  }
  if (isRecord(value.rules)) {
    const rules: Record<string, string> = {};
    for (const [code, severity] of Object.entries(value.rules)) if (typeof severity === 'string' && RULE_SEVERITIES.has(severity)) rules[code] = severity;
    config.rules = rules;
  }
  const slugs = new Set<string>();
  const items: unknown[] = Array.isArray(value.registries) ? value.registries : [];
  for (const [index, item] of items.entries()) {
    if (!isRecord(item)) continue;
    const provider = item.provider;
    // A password written into the endpoint never enters the configuration (nor any message built from it).
    const endpoint = typeof item.endpoint === 'string' ? withoutUserinfo(item.endpoint) : undefined;
    if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider) || typeof endpoint !== 'string' || endpoint.length === 0) continue;
    const slug = typeof item.slug === 'string' && item.slug.length > 0 ? item.slug : endpoint;
    if (slugs.has(slug)) continue;
    slugs.add(slug);
    const typedProvider = provider as Provider;
    const authType =
      typeof item.authType === 'string' && (AUTH_TYPES as readonly string[]).includes(item.authType) && isAuthTypeAllowed(typedProvider, item.authType as AuthType)
        ? (item.authType as AuthType)
        : defaultAuthType(typedProvider);
    const entry: RegistryEntry = { slug, provider: typedProvider, endpoint, authType, source: 'workspace' };
    if (typeof item.username === 'string' && item.username.length > 0) entry.username = item.username;
    const appIds = strings(item.appIds);
    if (appIds.length > 0) entry.appIds = appIds;
    if (typeof item.caFile === 'string' && item.caFile.length > 0) entry.caFile = path.resolve(path.dirname(path.resolve(filePath)), item.caFile);
    if (item.insecureSkipTLSVerify === true) entry.insecureSkipTLSVerify = true;
    if (item.plainHttp === true) entry.plainHttp = true;
    const problem = errorOf(index);
    if (problem !== undefined) entry.problem = problem;
    config.registries.push(entry);
  }
  return config;
}

// ---------------------------------------------------------------------------------------------
// Editing

/** The fields an entry may write, in the order a new entry lists them. Nothing else is ever written. */
const WRITABLE_FIELDS = ['slug', 'provider', 'endpoint', 'authType', 'username', 'appIds', 'caFile', 'insecureSkipTLSVerify', 'plainHttp'] as const;
type WritableField = (typeof WRITABLE_FIELDS)[number];
type WritableValue = string | string[] | boolean;

export interface EditOptions {
  /** The file being edited: an absolute `caFile` is written relative to its folder, so the team can share it. */
  filePath?: string;
}

const STRINGIFY_OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const;

function writableValues(entry: RegistryEntry, options: EditOptions): Map<WritableField, WritableValue> {
  const values = new Map<WritableField, WritableValue>();
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const put = (field: WritableField, v: WritableValue | undefined): void => {
    if (v !== undefined) values.set(field, v);
  };
  put('slug', text(entry.slug) ?? text(entry.endpoint));
  put('provider', text(entry.provider));
  put('endpoint', text(entry.endpoint));
  put('authType', text(entry.authType));
  put('username', text(entry.username));
  const appIds = Array.isArray(entry.appIds) ? entry.appIds.filter((a): a is string => typeof a === 'string' && a.length > 0) : [];
  if (appIds.length > 0) values.set('appIds', appIds);
  let caFile = text(entry.caFile);
  if (caFile && options.filePath && path.isAbsolute(caFile)) {
    const relative = path.relative(path.dirname(path.resolve(options.filePath)), caFile);
    caFile = relative.split(path.sep).join('/');
  }
  put('caFile', caFile);
  if (entry.insecureSkipTLSVerify === true) values.set('insecureSkipTLSVerify', true);
  if (entry.plainHttp === true) values.set('plainHttp', true);
  return values;
}

function sameValue(a: unknown, b: WritableValue | undefined): boolean {
  const norm = (v: unknown): unknown => (v === false || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

function requireEditable(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first ? lineOf(text, first.pos[0]) : 1;
    throw new RegistriesEditError(`the registries file has a YAML syntax error at line ${line} (${firstLine(first?.message ?? '')}); fix it before changing registries`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new RegistriesEditError('the registries file must be a mapping with a `registries:` list at the top; fix it before changing registries');
  }
  return doc;
}

function registriesPair(doc: Document): Pair<Scalar, unknown> | undefined {
  if (!isMap(doc.contents)) return undefined;
  return (doc.contents.items).find((p) => isScalar(p.key) && p.key.value === 'registries') as Pair<Scalar, unknown> | undefined;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline that ends the line containing `offset - 1` (or the text end). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** Renders a map node as block YAML: first line bare, later lines indented by `indent` spaces. */
function renderBlock(node: YAMLMap, indent: number): string {
  const rendered = new Document(node).toString(STRINGIFY_OPTIONS);
  const pad = ' '.repeat(indent);
  return rendered
    .replace(/\n$/, '')
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

function newEntryNode(values: Map<WritableField, WritableValue>): YAMLMap {
  const doc = new Document();
  const map = new YAMLMap();
  for (const field of WRITABLE_FIELDS) {
    const v = values.get(field);
    if (v === undefined) continue;
    const node = doc.createNode(v);
    if (node instanceof YAMLSeq) node.flow = true;
    map.add(doc.createPair(field, node));
  }
  return map;
}

function effectiveSlug(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const slug = item.get('slug');
  if (typeof slug === 'string' && slug.length > 0) return slug;
  const endpoint = item.get('endpoint');
  return typeof endpoint === 'string' ? endpoint : undefined;
}

/**
 * Adds the entry, or replaces the one with the same slug, keeping everything else byte-for-byte.
 * Only the known, non-secret fields of `entry` are written; unknown keys of a replaced entry
 * (including any secret someone typed there) are dropped.
 */
export function upsertRegistry(text: string, entry: RegistryEntry, options: EditOptions = {}): string {
  const values = writableValues(entry, options);
  const slug = values.get('slug');
  if (typeof slug !== 'string' || !values.has('provider') || !values.has('endpoint')) {
    throw new RegistriesEditError('a registry needs at least a provider and an endpoint');
  }
  const doc = requireEditable(text);
  const pair = registriesPair(doc);
  const seq = pair?.value;
  let result: string;

  if (isSeq(seq) && !seq.flow) {
    const index = seq.items.findIndex((item) => effectiveSlug(item) === slug);
    if (index >= 0) result = replaceItem(text, seq.items[index], values);
    else result = appendItem(text, seq, newEntryNode(values));
  } else if (pair && isSeq(seq) && seq.flow && seq.items.length === 0) {
    // `registries: []` (our own header writes this): becomes a block list.
    const colon = text.indexOf(':', pair.key.range?.[1] ?? 0);
    const [seqStart, seqEnd] = seq.range ?? [colon + 1, colon + 1];
    if (text.slice(colon + 1, seqStart).includes('\n')) {
      // `[]` on its own line: the list goes exactly there.
      const column = seqStart - lineStartOf(text, seqStart);
      result = text.slice(0, seqStart) + '- ' + renderBlock(newEntryNode(values), column + 2) + text.slice(seqEnd);
    } else {
      result = insertBlockAfterKey(text, pair, colon, seqEnd, newEntryNode(values));
    }
  } else if (pair && (pair.value === null || (isScalar(pair.value) && pair.value.value === null))) {
    // `registries:` with nothing (or `~`, `null`) after it.
    const colon = text.indexOf(':', pair.key.range?.[1] ?? 0);
    const valueRange = isScalar(pair.value) ? pair.value.range : undefined;
    const explicitNullEnd = valueRange && valueRange[1] > valueRange[0] ? valueRange[1] : colon + 1;
    result = insertBlockAfterKey(text, pair, colon, explicitNullEnd, newEntryNode(values));
  } else if (!pair && (doc.contents === null || (isMap(doc.contents) && !doc.contents.flow))) {
    const separator = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    const keyColumn = isMap(doc.contents) && doc.contents.range ? doc.contents.range[0] - lineStartOf(text, doc.contents.range[0]) : 0;
    const pad = ' '.repeat(keyColumn);
    result = `${text}${separator}${pad}registries:\n${pad}  - ${renderBlock(newEntryNode(values), keyColumn + 4)}\n`;
  } else if (pair && !isSeq(pair.value)) {
    throw new RegistriesEditError('`registries` in the registries file is not a list; fix it before changing registries');
  } else {
    // Rare shapes (flow-style mapping or list): edit through the Document API, which keeps comments but may re-indent.
    result = upsertThroughDocument(doc, values);
  }
  return verifyEdit(result, slug, true);
}

/**
 * Replaces what follows `key:` up to `removeTo` (an empty `[]`, a `~`) with a block list under the
 * key, keeping any comment on the key's line where it is.
 */
function insertBlockAfterKey(text: string, pair: Pair<Scalar, unknown>, colon: number, removeTo: number, node: YAMLMap): string {
  const keyStart = pair.key.range?.[0] ?? 0;
  const column = keyStart - lineStartOf(text, keyStart) + 2;
  const newline = text.indexOf('\n', removeTo);
  const lineEnd = newline < 0 ? text.length : newline;
  const restOfLine = text.slice(removeTo, lineEnd).trimEnd();
  const block = ' '.repeat(column) + '- ' + renderBlock(node, column + 2);
  return text.slice(0, colon + 1) + restOfLine + '\n' + block + (newline < 0 ? '\n' : text.slice(lineEnd));
}

function replaceItem(text: string, item: unknown, values: Map<WritableField, WritableValue>): string {
  if (!isMap(item) || !item.range || item.flow) {
    return spliceItem(text, item, newEntryNode(values));
  }
  const clone = item.clone() as YAMLMap;
  const scratch = new Document();
  let changed = false;
  for (const field of WRITABLE_FIELDS) {
    const want = values.get(field);
    const existing = clone.get(field, true) as Node | undefined;
    const have: unknown = existing && 'toJSON' in existing ? (existing).toJSON() : existing;
    if (sameValue(have, want)) continue;
    changed = true;
    if (want === undefined) {
      clone.delete(field);
      continue;
    }
    const node = scratch.createNode(want) as Node;
    if (node instanceof YAMLSeq) node.flow = existing instanceof YAMLSeq ? existing.flow : true;
    if (existing) {
      if (existing.comment) node.comment = existing.comment;
      clone.set(field, node);
    } else {
      // A new key goes after the nearest earlier known field, so entries read in the usual order.
      const earlier = WRITABLE_FIELDS.slice(0, WRITABLE_FIELDS.indexOf(field));
      let insertAt = 0;
      clone.items.forEach((p, i) => {
        if (isScalar(p.key) && (earlier as readonly unknown[]).includes(p.key.value)) insertAt = i + 1;
      });
      clone.items.splice(insertAt, 0, scratch.createPair(field, node) as Pair<unknown, unknown>);
    }
  }
  // Anything else in the entry is not ours to keep (a secret typed there, a misspelt key).
  for (const p of [...clone.items]) {
    if (!isScalar(p.key) || !(WRITABLE_FIELDS as readonly unknown[]).includes(p.key.value)) {
      clone.items.splice(clone.items.indexOf(p), 1);
      changed = true;
    }
  }
  if (!changed) return text;
  clone.commentBefore = undefined;
  clone.spaceBefore = false;
  clone.comment = undefined;
  return spliceItem(text, item, clone);
}

function spliceItem(text: string, item: unknown, replacement: YAMLMap): string {
  const range = (item as Node | undefined)?.range;
  if (!range) throw new RegistriesEditError('could not locate the registry entry in the file; edit it by hand');
  const [start, valueEnd] = range;
  const end = isMap(item) && !item.flow ? valueEnd : lineEndAfter(text, valueEnd);
  const column = start - lineStartOf(text, start);
  const rendered = renderBlock(replacement, column);
  const keepsNewline = text.slice(start, end).endsWith('\n');
  return text.slice(0, start) + rendered + (keepsNewline ? '\n' : '') + text.slice(end);
}

function appendItem(text: string, seq: YAMLSeq, node: YAMLMap): string {
  const seqStart = seq.range?.[0] ?? 0;
  const column = seqStart - lineStartOf(text, seqStart);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  const lastEnd = last?.range?.[1] ?? seq.range?.[1] ?? text.length;
  let insertAt = lineEndAfter(text, lastEnd);
  let prefix = '';
  if (insertAt === text.length && !text.endsWith('\n')) prefix = '\n';
  // Follow the file's style: when items are separated by blank lines, so is the new one.
  const blankBetweenItems = seq.items.length >= 2 && (last as { spaceBefore?: boolean } | undefined)?.spaceBefore === true;
  if (blankBetweenItems) prefix += '\n';
  if (insertAt > text.length) insertAt = text.length;
  const pad = ' '.repeat(column);
  return text.slice(0, insertAt) + prefix + pad + '- ' + renderBlock(node, column + 2) + '\n' + text.slice(insertAt);
}

function upsertThroughDocument(doc: Document, values: Map<WritableField, WritableValue>): string {
  const node = newEntryNode(values);
  if (doc.contents === null) doc.contents = doc.createNode({});
  const current = doc.get('registries', true);
  if (isSeq(current)) {
    const index = current.items.findIndex((item) => effectiveSlug(item) === values.get('slug'));
    if (index >= 0) current.items[index] = node;
    else current.items.push(node);
  } else {
    const seq = new YAMLSeq();
    seq.items.push(node);
    doc.set('registries', seq);
  }
  return doc.toString(STRINGIFY_OPTIONS);
}

/**
 * Removes the entry whose slug (or, failing that, endpoint) is `slugOrEndpoint`, keeping
 * everything else byte-for-byte. Throws RegistryNotFoundError when none matches.
 */
export function removeRegistry(text: string, slugOrEndpoint: string): string {
  const doc = requireEditable(text);
  const seq = registriesPair(doc)?.value;
  const items = isSeq(seq) ? seq.items : [];
  const known = items.map(effectiveSlug).filter((s): s is string => s !== undefined);
  let index = items.findIndex((item) => effectiveSlug(item) === slugOrEndpoint);
  if (index < 0) {
    const byEndpoint = items.flatMap((item, i) => (isMap(item) && item.get('endpoint') === slugOrEndpoint ? [i] : []));
    if (byEndpoint.length > 1) {
      const names = byEndpoint.map((i) => effectiveSlug(items[i])).join(', ');
      throw new RegistriesEditError(`"${slugOrEndpoint}" is the endpoint of ${byEndpoint.length} registries (${names}); name the one to remove by its slug`);
    }
    index = byEndpoint[0] ?? -1;
  }
  if (!isSeq(seq) || index < 0) throw new RegistryNotFoundError(slugOrEndpoint, known);
  const removedSlug = effectiveSlug(items[index]);

  let result: string;
  const item = items[index] as Node | undefined;
  if (!seq.flow && item?.range && seq.range) {
    const dash = text.lastIndexOf('-', item.range[0]);
    const start = lineStartOf(text, dash);
    const end = lineEndAfter(text, item.range[1]);
    if (items.length === 1) {
      // Keep the key with an empty list so the file stays valid (`registries:` alone would be null).
      const column = seq.range[0] - lineStartOf(text, seq.range[0]);
      result = text.slice(0, start) + ' '.repeat(column) + '[]\n' + text.slice(end);
    } else {
      // Blank lines separating entries go with the entry, so the remaining ones keep their spacing.
      let from = start;
      let to = end;
      if (index > 0) {
        while (from > 0 && isBlankLine(text, lineStartOf(text, from - 1), from)) from = lineStartOf(text, from - 1);
      } else {
        while (to < text.length && isBlankLine(text, to, lineEndAfter(text, to + 1))) to = lineEndAfter(text, to + 1);
      }
      result = text.slice(0, from) + text.slice(to);
    }
  } else {
    seq.items.splice(index, 1);
    result = doc.toString(STRINGIFY_OPTIONS);
  }
  if (removedSlug !== undefined) verifyEdit(result, removedSlug, false);
  return result;
}

function isBlankLine(text: string, from: number, to: number): boolean {
  return to > from && text.slice(from, to).trim() === '';
}

/** Guards against a splice producing broken YAML or the wrong content: never write such a file. */
function verifyEdit(result: string, slug: string, shouldExist: boolean): string {
  const check = parseDocument(result, { uniqueKeys: true });
  if (check.errors.length > 0) {
    throw new RegistriesEditError(`editing the registries file would break its YAML (${firstLine(check.errors[0]?.message ?? '')}); the file was left unchanged — please report this`);
  }
  const registries: unknown = isMap(check.contents) ? check.contents.get('registries', false) : undefined;
  const list = isSeq(registries) ? registries.items : [];
  const present = list.some((item) => effectiveSlug(item) === slug);
  if (present !== shouldExist) {
    throw new RegistriesEditError(`editing the registries file did not ${shouldExist ? 'add' : 'remove'} "${slug}" as expected; the file was left unchanged — please report this`);
  }
  return result;
}

/** Whether a registries file exists at the path. */
export function registriesFileExists(filePath: string): boolean {
  return existsSync(filePath);
}
