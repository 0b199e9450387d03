/**
 * Parsing `.replicated-registries.yaml` into a RegistriesConfig. Never throws: every problem comes back
 * with its exact range (problems.ts words them), and an entry with an error is kept, marked, and never
 * used to send credentials.
 */
import path from 'node:path';
import type { Document } from 'yaml';
import { formatBytes, INPUT_LIMITS } from '../../limits/inputLimits';
import { nestingDeeperThan } from '../../limits/nestingDepth';
import { withoutUserinfo } from '../../registry/endpoints';
import { defaultAuthType, isAuthTypeAllowed } from '../../registry/providers/catalog';
import { AUTH_TYPES, PROVIDERS, type AuthType, type Provider, type RegistryEntry } from '../../registry/types';
import { emptyRegistriesConfig, type RegistriesConfig } from '../types';
import { registriesSchemaValidator } from '../registriesSchemaValidator';
import { exactValue } from '../../yaml/exactValue';
import { yamlLibrary } from '../../yaml/library';
import { RegistriesFileError } from './errors';
import { readRegistriesFileText } from './location';
import { checkSemantics, describeSchemaError, firstLine, isRecord, rangeFor } from './problems';
import type { ConfigProblem, LoadedRegistriesFile, ParsedRegistriesFile } from './types';

/** Parses the file text. Never throws: every problem comes back with its range. */
export function parseRegistriesFile(text: string, filePath: string): ParsedRegistriesFile {
  const refused = refusedRegistriesText(text);
  if (refused) return { config: emptyRegistriesConfig(), problems: [refused] };
  return withoutProblems(text, filePath) ?? parseWithYaml(text, filePath);
}

/** Thrown by the fast path's placer: a problem was found, and only the Document can place it. */
class NeedsPlace extends Error {}

/**
 * A file the fast scanner reads exactly (yaml/exactValue.ts) that the schema and the semantic checks accept: its
 * configuration, read with no `yaml` Document. That is every ordinary registries file, read at every `lint` start and
 * by the server's first analysis: composing it with `yaml` (whose code is cold then) took 6.5-7 ms of a `lint` start,
 * this 4.5 ms, and `yaml` is then not loaded at all (issue 12). Undefined as soon as there is any problem to place or
 * anything `yaml` must judge: `parseWithYaml` then reads the file and words every problem.
 */
function withoutProblems(text: string, filePath: string): ParsedRegistriesFile | undefined {
  const exact = exactValue(text);
  if (!exact) return undefined;
  const instance = exact.value ?? {};
  if (isRecord(instance) && Array.isArray(instance.registries) && instance.registries.length > INPUT_LIMITS.registriesFileEntries) return undefined;
  if (!registriesSchemaValidator()(instance)) return undefined;
  const needsPlace = (): never => {
    throw new NeedsPlace();
  };
  try {
    checkSemantics(needsPlace, text, instance, needsPlace);
  } catch (error) {
    if (error instanceof NeedsPlace) return undefined;
    throw error;
  }
  return { config: toConfig(instance, filePath), problems: [] };
}

/** The exact path: `yaml`'s Document, every problem placed on its characters (exported for the test that holds the fast path to it). */
export function parseWithYaml(text: string, filePath: string): ParsedRegistriesFile {
  const { LineCounter, parseDocument } = yamlLibrary();
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
  checkSemantics((segments, target) => rangeFor(doc, text, segments, target), text, instance, at);
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
  const { isMap, isSeq } = yamlLibrary();
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

/** Reads and parses the file; throws RegistriesFileError when it has errors (warnings are returned). */
export function loadRegistriesFile(filePath: string): LoadedRegistriesFile {
  const read = readRegistriesFileText(filePath);
  if ('problem' in read) throw new RegistriesFileError(filePath, [read.problem]);
  const parsed = parseRegistriesFile(read.text, filePath);
  if (parsed.problems.some((p) => p.severity === 'error')) throw new RegistriesFileError(filePath, parsed.problems);
  return { ...parsed, filePath, text: read.text };
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
