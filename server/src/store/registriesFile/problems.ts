/**
 * The registries file's problems in words: schema errors said the way a person reads the file (with the
 * nearest valid key or value), and the checks a schema cannot make (secrets, duplicate names, an
 * endpoint that is not the provider's, auth types and usernames, connection options), each with the
 * exact source range it is about.
 */
import type { ErrorObject } from 'ajv';
import type { Document, Node } from 'yaml';
import { endpointShapeProblem, hasUserinfo, withoutUserinfo } from '../../registry/endpoints';
import { authTypesOf, defaultAuthType, endpointFitsProvider, fixedUsername, isAuthTypeAllowed, providerForHost, providerRecord } from '../../registry/providers/catalog';
import { AUTH_TYPES, PROVIDERS, type AuthType, type Provider } from '../../registry/types';
import { yamlLibrary } from '../../yaml/library';
import type { ConfigProblem } from './types';

export type PathSegment = string | number;

const SECRET_GUIDANCE =
  'secrets do not belong in this file (it is meant to be committed): keep the password, token or key in your credential store — ' +
  'VS Code SecretStorage, the Docker credential store (`replicated-registries registry add ... --password-stdin`), ' +
  'or the REPLICATED_REGISTRIES_<SLUG>_PASSWORD environment variable — and delete this line';

/** Key names that can only mean a secret; rejected wherever they appear. */
const SECRET_KEY = /^(?:pass(?:word|wd)?|pwd|token|.*_?token|secret.*|.*secret|accesskey|secretaccesskey|serviceaccountkey|identitytoken|auth|apikey|api_key|privatekey|private_key|credentials?|jsonkey|json_key|key)$/i;

export function firstLine(message: string): string {
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

export function isRecord(value: unknown): value is Record<string, unknown> {
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

export function describeSchemaError(error: ErrorObject, instance: unknown): DescribedError | undefined {
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
  return providerRecord(provider).endpointExample.split(' ')[0] ?? 'registry.example.com';
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
  const { isMap, isScalar, isSeq } = yamlLibrary();
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

export function rangeFor(doc: Document, text: string, segments: PathSegment[], target: DescribedError['target']): [number, number] {
  const { isMap, isSeq } = yamlLibrary();
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

/** Where the node at a path is written, [start, end): `rangeFor` over the file's parsed Document. */
export type Placer = (segments: PathSegment[], target: DescribedError['target']) => [number, number];

/**
 * Checks the schema cannot express: duplicates, endpoint shape, provider/endpoint and provider/authType fit.
 * A place is asked only for a problem found, so a file without problems is checked with no Document at
 * all (parse.ts's fast path).
 */
export function checkSemantics(placeOf: Placer, text: string, instance: unknown, at: At): void {
  if (!isRecord(instance) || !Array.isArray(instance.registries)) return;
  const firstBySlug = new Map<string, number>();
  instance.registries.forEach((entry: unknown, index: number) => {
    if (!isRecord(entry)) return;
    const base: PathSegment[] = ['registries', index];
    const place = describePlace(base, instance);
    const rangeOf = (field: string): [number, number] => placeOf([...base, field], 'value');
    const provider = typeof entry.provider === 'string' && (PROVIDERS as readonly string[]).includes(entry.provider) ? (entry.provider as Provider) : undefined;
    const endpoint = typeof entry.endpoint === 'string' && entry.endpoint.length > 0 ? withoutUserinfo(entry.endpoint) : undefined;

    const slug = typeof entry.slug === 'string' ? entry.slug : endpoint;
    if (slug !== undefined) {
      const first = firstBySlug.get(slug);
      if (first === undefined) firstBySlug.set(slug, index);
      else {
        const [s, e] = rangeOf(typeof entry.slug === 'string' ? 'slug' : 'endpoint');
        const firstLineNumber = lineOf(text, placeOf(['registries', first], 'object')[0]);
        at(s, e, `duplicate registry name "${slug}" (registry #${first + 1}, line ${firstLineNumber}, has it too): give each registry its own \`slug\``, 'error', 'duplicate-slug');
      }
    }

    if (endpoint !== undefined) {
      const given = entry.endpoint as string;
      const shape = endpointShapeProblem(given);
      if (shape && hasUserinfo(given)) at(...rangeOf('endpoint'), `${shape}; this file is meant to be committed, so change that password`, 'error', 'secret-in-file');
      else if (shape) at(...rangeOf('endpoint'), shape, 'error', 'endpoint-shape');
      else if (provider && !endpointFitsProvider(provider, endpoint)) {
        const actual = providerForHost(endpoint);
        const advice = actual ? `\`${endpoint}\` is ${providerRecord(actual).inSentence}: use \`provider: ${actual}\`` : `use an endpoint like \`${providerRecord(provider).endpointExample}\`, or \`provider: other\` for a self-hosted registry`;
        at(...rangeOf('endpoint'), `endpoint \`${endpoint}\` is not a ${providerRecord(provider).inSentence} host; ${advice}`, 'error', 'provider-endpoint-mismatch');
      } else if (provider === 'other') {
        const actual = providerForHost(endpoint);
        if (actual) at(...rangeOf('endpoint'), `\`${endpoint}\` is ${providerRecord(actual).inSentence}: use \`provider: ${actual}\` so it is authenticated the way Replicated does`, 'warning', 'provider-endpoint-mismatch');
      }
    }

    const authType = typeof entry.authType === 'string' && (AUTH_TYPES as readonly string[]).includes(entry.authType) ? (entry.authType as AuthType) : undefined;
    if (provider && authType && !isAuthTypeAllowed(provider, authType)) {
      const [s, e] = rangeOf('authType');
      at(s, e, `authType \`${authType}\` is not available for provider \`${provider}\`; use ${authTypesOf(provider).map((a) => `\`${a}\``).join(' or ')}`, 'error', 'auth-type');
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

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
