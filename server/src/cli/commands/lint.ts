/**
 * `replicated-registries lint [PATH...]`: the language server's engine and rules, for CI. Walks the
 * given files and folders (default: the current folder, honouring .gitignore), analyzes every YAML
 * file, prints text, JSON, SARIF or GitLab Code Quality, and exits 1 when a finding reaches the `--fail-on` level.
 */
import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { analyzeFile, finalizeFindings } from '../../analysis/analyzeFile';
import type { AnalysisEnvironment, Finding, RuleCode, Severity } from '../../findings/types';
import type { ReleaseEnvironment } from '../../release/release';
import { BoundedReadError, readRegularFileSync, SeenRegularFileReader } from '../../limits/boundedFiles';
import { INPUT_LIMITS } from '../../limits/inputLimits';
import { oversizedFileMessage } from '../../manifests/findImages';
import { limitFinding } from '../../rules/syntaxRule';
import { RULES } from '../../rules/catalog';
import { effectiveSeverity } from '../../rules/severity';
import type { CredentialAnswer } from '../../registry/credentials/credentialGate';
import { environmentVariableNames } from '../../registry/credentials/environmentCredentialSource';
import { credentialHost } from '../../registry/credentials/hostBinding';
import type { RegistryEntry } from '../../registry/types';
import type { RegistryClient } from '../../registry/registryClient';
import { RegistriesFileError } from '../../store/registriesFile/errors';
import { findRegistriesFile } from '../../store/registriesFile/location';
import { loadRegistriesFile } from '../../store/registriesFile/parse';
import { emptyRegistriesConfig } from '../../store/types';
import type { RegistriesConfig } from '../../store/types';
import { VERSION } from '../../version';
import { findYamlFilesSync } from '../../workspace/yamlFiles';
import { parseFlags, type FlagSpecs } from '../flags';
import { fileSystemRelease, releaseLoader } from '../../release/releaseFiles';
import { ExitCode, UsageError, type CliIO, type CliOutput } from '../io';
import { loadUnderDefaultFlags, raiseRunFlags } from '../v8Flags';

const HELP = `Usage: replicated-registries lint [PATH...] [flags]

Checks every image reference in the application's YAML (*.yaml, *.yml) against the team's registries.
PATH defaults to the current folder; .gitignore is honoured, node_modules and .git are skipped.

Flags:
  --format text|json|sarif|codequality
                             output format (default text); codequality is GitLab's Code Quality report
  --offline                  no network checks (pull checks and public-image checks are skipped)
  --fail-on error|warning|never
                             exit 1 when a finding reaches this level (default error)
  --config PATH              the registries file (default: .replicated-registries.yaml in the
                             folder of the first PATH or the nearest parent)
  --allow-insecure HOST      use credentials with the registries file's plainHttp or
                             insecureSkipTLSVerify for HOST (repeatable; or
                             REPLICATED_REGISTRIES_ALLOW_INSECURE=HOST,...); without it such a
                             registry's credentials are not used
  -h, --help                 show this help

A file or folder that cannot be read (permissions, a broken link...) is named on stderr,
one line each, and the others are still checked; the exit code is then 2, whatever the findings, since
the result is incomplete.

Exit codes: 0 nothing reaches the fail level, 1 something does, 2 usage or configuration error, or a
file or folder could not be read.
`;

const FORMATS = ['text', 'json', 'sarif', 'codequality'] as const;
type Format = (typeof FORMATS)[number];
type FailOn = 'error' | 'warning' | 'never';

interface LintOptions {
  paths: string[];
  format: Format;
  offline: boolean;
  failOn: FailOn;
  config?: string;
  /** Hosts whose `plainHttp` / `insecureSkipTLSVerify` may be used with credentials (`--allow-insecure`). */
  allowInsecure: string[];
}

/** One finding as printed: 1-based positions, file relative to the current folder. */
export interface LintResult {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: RuleCode;
  severity: Severity;
  message: string;
  reference: string;
}

/** Files analyzed at once; analysis is mostly synchronous, this only overlaps reads and pull checks. */
const FILE_CONCURRENCY = 16;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const options = parseArguments(argv);
  if (!options) {
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  raiseRunFlags();
  const targets = options.paths.length > 0 ? options.paths : ['.'];
  const absoluteTargets = targets.map((target) => path.resolve(io.cwd, target));

  const { config, file: configFile } = loadConfig(options, absoluteTargets[0] as string, io);
  const unreadable: string[] = [];
  const reportUnreadable = (filePath: string, error: unknown): void => {
    unreadable.push(filePath);
    io.stderr.write(`replicated-registries lint: cannot read ${relativePath(io.cwd, filePath)}: ${readFailure(error)}; fix it (permissions, link target) or leave it out of the PATHs (or .gitignore it)\n`);
  };
  const files = collectFiles(absoluteTargets, reportUnreadable);

  // Offline needs neither the HTTP client nor the credential store: not even loading them keeps start-up short.
  const online = options.offline ? undefined : await loadUnderDefaultFlags(() => onlineServices(io, options.allowInsecure));
  const client = online?.client;
  const env: ReleaseEnvironment = {
    config,
    offline: options.offline,
    credentialsFor: (entry) => online?.credentialsFor(entry) ?? Promise.resolve({}),
    readFile: (filePath) => {
      try {
        return Promise.resolve(readText(filePath));
      } catch {
        return Promise.resolve(undefined);
      }
    },
    // The release (HelmCharts, their charts and packaged .tgz, Config items), read only if a file needs it.
    release: releaseLoader(fileSystemRelease(releaseRoot(configFile, absoluteTargets[0] as string)), config),
    reportEngineError: (what, filePath, error) => io.stderr.write(`replicated-registries lint: ${what} failed on ${relativePath(io.cwd, filePath)} (${error instanceof Error ? error.message : String(error)}); its other findings are reported\n`),
    ...(client ? { registryClient: client } : {}),
  };

  const results: LintResult[] = [];
  // credentials-missing and registry-not-connected results and their registry: the text output groups them per registry.
  const registryOf = new Map<LintResult, MissingCredentialsRegistry>();
  const domainOf = new Map<LintResult, string>();
  // The listed files are regular files (their folder's listing or `stat` said so): read through one buffer.
  const reader = new SeenRegularFileReader(INPUT_LIMITS.analyzedFileBytes);
  const relative = relativeTo(io.cwd);
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const filePath = files[next++] as string;
        let text: string;
        try {
          text = reader.readText(filePath);
        } catch (error) {
          if (error instanceof BoundedReadError && error.failure === 'too-large') {
            // Not read at all: one finding says why (a hostile 50 MB file must not cost 50 MB).
            const finding = limitFinding('', { start: 0, end: 0, message: oversizedFileMessage(error.size ?? INPUT_LIMITS.analyzedFileBytes + 1) });
            for (const result of toResults(finalizeFindings('', [finding], env), '', relative(filePath))) results.push(result);
          } else {
            reportUnreadable(filePath, error);
          }
          continue;
        }
        const findings = await analyzeFile({ text, path: filePath }, env);
        const fileResults = toResults(findings, text, relative(filePath));
        findings.forEach((finding, index) => {
          if (finding.code === 'registry-not-connected') {
            if (options.format === 'text' && finding.data?.domain) domainOf.set(fileResults[index] as LintResult, finding.data.domain);
            return;
          }
          const { registrySlug: slug, registryEndpoint: endpoint, credentialsWithheld: withheld } = finding.data ?? {};
          if (finding.code === 'credentials-missing' && slug && endpoint) registryOf.set(fileResults[index] as LintResult, { slug, endpoint, ...(withheld !== undefined ? { withheld } : {}) });
        });
        // A loop, not push(...spread): a 50 MB manifest yields ~10^6 findings, more arguments than the stack holds.
        for (const result of fileResults) results.push(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, files.length) }, () => worker()));
  } finally {
    await client?.close();
  }
  sortResults(results);

  if (options.format === 'json') writeResultsJson(io.stdout, results, results.length);
  else if (options.format === 'sarif') writeResultsJson(io.stdout, toSarif(results, { config }), results.length);
  else if (options.format === 'codequality') writeResultsJson(io.stdout, toCodeQuality(results), results.length);
  else io.stdout.write(toText(results, files.length, registryOf, domainOf));

  if (unreadable.length > 0) return ExitCode.usage;
  return reachesFailLevel(results, options.failOn) ? ExitCode.failed : ExitCode.ok;
}

/**
 * A file lint reads (manifest, values.yaml): a regular file within the analysed size (never a FIFO or a
 * device). Read synchronously: lint has nothing else to do meanwhile but pull checks already in flight,
 * and 1,000 small files cost 8–9 ms read this way against 60–75 ms through the promise API (issue 12).
 */
function readText(filePath: string): string {
  return readRegularFileSync(filePath, INPUT_LIMITS.analyzedFileBytes).toString('utf8');
}

/** The `code` of a file system error (`ENOENT`, `EACCES`...), if it has one. */
function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Why a read failed, in words ("permission denied (EACCES)"), never a stack. */
function readFailure(error: unknown): string {
  if (error instanceof BoundedReadError && error.failure === 'not-a-file') return error.message;
  const code = errorCode(error);
  const words: Record<string, string> = { EACCES: 'permission denied', EPERM: 'operation not permitted', EISDIR: 'it is a folder', ENOENT: 'it no longer exists (or is a broken link)', ELOOP: 'too many symbolic links', EMFILE: 'too many open files' };
  if (code && words[code]) return `${words[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}

interface OnlineServices {
  client: RegistryClient;
  credentialsFor(entry: RegistryEntry): Promise<CredentialAnswer>;
}

/** The registry client and the credentials lint uses: Docker credential store, then the environment, through the credential gate. */
async function onlineServices(io: CliIO, allowInsecure: readonly string[]): Promise<OnlineServices> {
  const [{ RegistryClient }, { chainCredentialSources, cliInsecureConsent, credentialsForEntry, DockerCredentialStore, EnvironmentCredentialSource }] = await Promise.all([
    import('../../registry/registryClient'),
    import('../../registry/credentials'),
  ]);
  const credentials = chainCredentialSources([new DockerCredentialStore({ env: io.env }), new EnvironmentCredentialSource(io.env)]);
  const consent = cliInsecureConsent(allowInsecure, io.env);
  return {
    client: new RegistryClient(),
    credentialsFor: (entry) => credentialsForEntry(entry, (e) => credentials.get(e), consent).catch((): CredentialAnswer => ({})),
  };
}

const LINT_FLAGS = {
  format: { type: 'string', choices: FORMATS, description: 'output format' },
  offline: { type: 'boolean', description: 'no network checks' },
  'fail-on': { type: 'string', choices: ['error', 'warning', 'never'], description: 'the level that fails' },
  config: { type: 'string', valueName: 'PATH', description: 'the registries file' },
  'allow-insecure': { type: 'list', valueName: 'HOST', description: 'hosts whose insecure options may be used with credentials' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagSpecs;

/** The options, or undefined for --help. */
function parseArguments(argv: string[]): LintOptions | undefined {
  const { flags, positionals } = parseFlags(argv, LINT_FLAGS, 'lint');
  if (flags.help) return undefined;
  return {
    paths: positionals,
    format: (flags.format as Format | undefined) ?? 'text',
    offline: flags.offline === true,
    failOn: (flags['fail-on'] as FailOn | undefined) ?? 'error',
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    allowInsecure: flags['allow-insecure'] ?? [],
  };
}

/** What `stat` says of a path, or undefined when it cannot (lint reads synchronously: see readText). */
function statIfAny(filePath: string): Stats | undefined {
  try {
    return statSync(filePath);
  } catch {
    return undefined;
  }
}

/** The release's folder: the registries file's (the app's root), else the first folder given. */
export function releaseRoot(configFile: string | undefined, firstTarget: string): string {
  if (configFile) return path.dirname(configFile);
  const info = statIfAny(firstTarget);
  return info?.isDirectory() ? firstTarget : path.dirname(firstTarget);
}

export function loadConfig(options: { config?: string }, firstTarget: string, io: CliIO): { config: RegistriesConfig; file?: string } {
  let configPath: string | undefined;
  if (options.config !== undefined) {
    configPath = path.resolve(io.cwd, options.config);
    // Named explicitly, a missing file is a wrong path (not a broken file to "fix"): say so as `registry` does.
    const info = statIfAny(configPath);
    if (!info?.isFile()) throw new UsageError(`--config ${options.config}: ${info ? 'not a file' : 'no such file'}; check the path (or drop --config to use .replicated-registries.yaml in this folder or the nearest parent)`);
  } else {
    const info = statIfAny(firstTarget);
    configPath = findRegistriesFile(info?.isDirectory() ? firstTarget : path.dirname(firstTarget));
  }
  if (!configPath) return { config: emptyRegistriesConfig() };
  try {
    return { config: loadRegistriesFile(configPath).config, file: configPath };
  } catch (error) {
    if (error instanceof RegistriesFileError) {
      const lines = error.problems
        .filter((problem) => problem.severity === 'error')
        .map((problem) => `${relativePath(io.cwd, configPath)}:${problem.line}:${problem.column}: ${problem.message}`);
      throw new UsageError(`the registries file cannot be used; fix it and run lint again:\n${lines.join('\n')}`);
    }
    throw error;
  }
}

/** YAML files under the targets, sorted; explicit files are taken whatever their name. */
function collectFiles(targets: string[], reportUnreadable: (path: string, error: unknown) => void): string[] {
  const files = new Set<string>();
  for (const target of targets) {
    let info: Stats;
    try {
      info = statSync(target);
    } catch (error) {
      if (!isMissing(error)) {
        // It is there but cannot be looked at (permissions, a symbolic link loop): say so, check the rest.
        reportUnreadable(target, error);
        continue;
      }
      throw new UsageError(`${target} does not exist; pass files or folders that exist`);
    }
    if (info.isFile()) files.add(target);
    else if (info.isDirectory()) {
      for (const file of findYamlFilesSync(target, { maxFiles: Number.POSITIVE_INFINITY, onUnreadable: reportUnreadable })) files.add(file);
    }
  }
  return [...files].sort();
}

function relativePath(cwd: string, file: string): string {
  return relativeTo(cwd)(file);
}

/**
 * `relativePath` for many files under one folder: whether the folder is plainly normalized is found
 * once, not per file (a `path.normalize` per file, 1,000 on the benchmark workspace, issue 12).
 */
function relativeTo(cwd: string): (file: string) => string {
  // A file under the current folder, its path plainly normalized (no `.`, `..` or `//`; a dot file takes
  // the long way), is its path past the folder: path.relative resolves both paths again, for each file.
  const plain = path.sep === '/' && cwd.startsWith('/') && path.normalize(cwd) === cwd;
  const prefix = cwd.endsWith('/') ? cwd.length : cwd.length + 1;
  return (file) => {
    if (plain && file.length > cwd.length + 1 && file.startsWith(cwd) && (cwd.endsWith('/') || file.charCodeAt(cwd.length) === 47) && !file.includes('/.') && !file.includes('//')) return file.slice(prefix);
    return path.relative(cwd, file).split(path.sep).join('/') || path.basename(file);
  };
}

/**
 * Results by file, line, column and code, files in `localeCompare` order. Each distinct file is ranked
 * once: `localeCompare` in the comparator was 17–28 ms of a lint of the 5,000-document manifest's 9,400
 * findings. Rule codes (lowercase words and hyphens, which `localeCompare` orders as their code units:
 * test/unit/lint.test.ts) compare as strings.
 * Creating an `Intl.Collator` (ICU's collation data) costs 8–11 ms of a process, so a single file needs
 * none, and names of printable ASCII are ranked by the same root collation without ICU (asciiRootCompare)
 * when the process's locale is one whose collation is the root's (C, POSIX, English): on the 1,000-file
 * benchmark workspace that was 10–13 ms of the lint's 440 ms.
 */
export function sortResults(results: LintResult[], env: NodeJS.ProcessEnv = process.env): void {
  const distinctFiles = [...new Set(results.map((result) => result.file))];
  const files = new Map<string, number>();
  if (distinctFiles.length === 1) files.set(distinctFiles[0] as string, 0);
  else if (collatesAsRoot(env) && distinctFiles.every(isPrintableAscii)) {
    // Distinct printable-ASCII names are never equal to the collator: each its own rank.
    distinctFiles.sort(asciiRootCompare).forEach((file, rank) => files.set(file, rank));
  } else {
    const collator = new Intl.Collator();
    let previous: string | undefined;
    // Names the collator calls equal share a rank, so the (stable) sort keeps them as it found them.
    for (const file of distinctFiles.sort(collator.compare)) {
      files.set(file, previous === undefined ? 0 : (files.get(previous) as number) + (collator.compare(previous, file) === 0 ? 0 : 1));
      previous = file;
    }
  }
  const rankOf = (file: string): number => files.get(file) as number;
  results.sort((a, b) => rankOf(a.file) - rankOf(b.file) || a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * Printable ASCII in the order of ICU's root collation (CLDR), which `Intl.Collator` uses for the root
 * locale and English: blanks and punctuation, symbols, digits, then letters, each lowercase before its
 * uppercase. Punctuation is not ignorable there (the root's `alternate` is non-ignorable).
 */
const ROOT_ASCII_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ';

/** Per code unit (0x20–0x7e): the primary weight (a letter's case left out) and the tertiary one (its case). */
let rootWeights: { primary: Uint8Array; tertiary: Uint8Array } | undefined;

function weights(): { primary: Uint8Array; tertiary: Uint8Array } {
  if (!rootWeights) {
    const primary = new Uint8Array(128);
    const tertiary = new Uint8Array(128);
    let weight = 0;
    for (let i = 0; i < ROOT_ASCII_ORDER.length; i++) {
      const code = ROOT_ASCII_ORDER.charCodeAt(i);
      const isUpper = code >= 65 && code <= 90;
      if (!isUpper) weight++;
      primary[code] = weight;
      tertiary[code] = isUpper ? 1 : 0;
    }
    rootWeights = { primary, tertiary };
  }
  return rootWeights;
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/**
 * `Intl.Collator`'s comparison for the root locale, on printable ASCII: one collation element per
 * character, so the primary weights decide left to right (a prefix first), then case left to right.
 * test/unit/lint.test.ts checks it against `Intl.Collator` on every pair of characters and random names.
 */
export function asciiRootCompare(a: string, b: string): number {
  const { primary, tertiary } = weights();
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (primary[a.charCodeAt(i)] as number) - (primary[b.charCodeAt(i)] as number);
    if (difference !== 0) return difference;
  }
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < length; i++) {
    const difference = (tertiary[a.charCodeAt(i)] as number) - (tertiary[b.charCodeAt(i)] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Whether the default collation is the root's, from the variables ICU takes the default locale from:
 * unset, C, POSIX or English. Any other locale (Danish sorts `aa` last, Lithuanian `y` as `i`, Turkish
 * has a dotless i...) goes to `Intl.Collator`.
 */
export function collatesAsRoot(env: NodeJS.ProcessEnv): boolean {
  return [env.LC_ALL, env.LC_COLLATE, env.LC_MESSAGES, env.LANG].every((value) => value === undefined || value === '' || /^(C|POSIX|en)([._@-]|$)/.test(value));
}

/**
 * 1-based line and column (UTF-16 code units, as editors and SARIF count) of every finding. Lines are
 * counted forward (findings come sorted by offset), so a big file costs one pass up to its last finding
 * and no table of line starts: the table (162,000 entries for the 5,000-document manifest) was 20–24 ms
 * of a cold lint and 3.5 MB of garbage. A finding's end is counted on from its start; an offset before a
 * cursor starts it over (from the start's cursor for an end, from the top for a start).
 */
export function toResults(findings: Finding[], text: string, file: string): LintResult[] {
  const starts = new LineCursor(text);
  const ends = new LineCursor(text);
  return findings.map((finding) => {
    const startColumn = starts.at(finding.start);
    const startLine = starts.line;
    if (finding.end < ends.lineStart || ends.lineStart < starts.lineStart) ends.moveTo(starts);
    const endColumn = ends.at(Math.max(finding.start, finding.end));
    return { file, line: startLine, column: startColumn, endLine: ends.line, endColumn, code: finding.code, severity: finding.severity, message: finding.message, reference: finding.reference };
  });
}

/** A position in a text that moves forward line by line. */
class LineCursor {
  /** 1-based line of `lineStart`. */
  line = 1;
  lineStart = 0;

  constructor(private readonly text: string) {}

  /** Moves to the line holding `offset`; returns `offset`'s 1-based column. */
  at(offset: number): number {
    if (offset < this.lineStart) {
      this.line = 1;
      this.lineStart = 0;
    }
    for (let newline = this.text.indexOf('\n', this.lineStart); newline >= 0 && newline < offset; newline = this.text.indexOf('\n', this.lineStart)) {
      this.line++;
      this.lineStart = newline + 1;
    }
    return offset - this.lineStart + 1;
  }

  moveTo(other: LineCursor): void {
    this.line = other.line;
    this.lineStart = other.lineStart;
  }
}

function reachesFailLevel(results: LintResult[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return results.some((result) => result.severity === 'error' || (failOn === 'warning' && result.severity === 'warning'));
}

interface MissingCredentialsRegistry {
  slug: string;
  endpoint: string;
  /** Credentials exist but the credential gate refused them: why (bound to another host, insecure options not allowed...). */
  withheld?: string;
}

/** Places listed on a grouped line; JSON and SARIF list every one. */
const GROUPED_PLACES = 10;

/**
 * One line per finding, except two that have one cause per registry: `credentials-missing` (one missing
 * login) and `registry-not-connected` (one registry nobody connected) get one line per registry, with the
 * count and the first places; then the summary, counting every finding. Without a registries file the
 * 5,000-document benchmark manifest has 8,332 `registry-not-connected` findings: printed one per line
 * they were 2.5 MB of text a vendor scrolls past (formatting, redacting and writing it cost 60–90 ms);
 * grouped, one line per host says the same. A registry with one such finding keeps its ordinary line.
 */
function toText(results: LintResult[], fileCount: number, registryOf: ReadonlyMap<LintResult, MissingCredentialsRegistry>, domainOf: ReadonlyMap<LintResult, string> = new Map()): string {
  const lines: string[] = [];
  const groups = new Map<string, { registry: MissingCredentialsRegistry; results: LintResult[] }>();
  const notConnected = new Map<string, LintResult[]>();
  for (const result of results) {
    const domain = domainOf.get(result);
    if (domain !== undefined) {
      // One group per host and level and kind of message (the quoted image names aside).
      const key = `${domain}\0${result.severity}\0${result.message.replace(/"[^"]*"/g, '""')}`;
      const group = notConnected.get(key);
      if (group) group.push(result);
      else notConnected.set(key, [result]);
      continue;
    }
    const registry = registryOf.get(result);
    if (!registry) {
      lines.push(resultLine(result));
      continue;
    }
    const group = groups.get(registry.slug) ?? { registry, results: [] };
    group.results.push(result);
    groups.set(registry.slug, group);
  }
  for (const grouped of notConnected.values()) {
    if (grouped.length === 1) lines.push(resultLine(grouped[0] as LintResult));
    else lines.push(notConnectedLine(domainOf.get(grouped[0] as LintResult) as string, grouped));
  }
  for (const { registry, results: grouped } of groups.values()) lines.push(missingCredentialsLine(registry, grouped));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const result of results) counts[result.severity]++;
  const checked = `${fileCount} YAML file${fileCount === 1 ? '' : 's'} checked`;
  if (results.length === 0) lines.push(`no problems; ${checked}`);
  else {
    const parts = (['error', 'warning', 'info', 'hint'] as const).filter((level) => counts[level] > 0).map((level) => `${counts[level]} ${level}${counts[level] === 1 ? '' : 's'}`);
    lines.push(`${results.length} problem${results.length === 1 ? '' : 's'} (${parts.join(', ')}); ${checked}`);
  }
  return `${lines.join('\n')}\n`;
}

function resultLine(result: LintResult): string {
  return `${result.file}:${result.line}:${result.column} ${result.severity} ${result.code} ${result.message}`;
}

/** The first GROUPED_PLACES places of `results`, and how many more there are. */
function placesOf(results: LintResult[]): string {
  const listed = results.slice(0, GROUPED_PLACES).map((result) => `${result.file}:${result.line}:${result.column}`);
  if (results.length > GROUPED_PLACES) listed.push(`and ${results.length - GROUPED_PLACES} more (--format json lists each)`);
  return listed.join(', ');
}

/** `registry-not-connected` for every reference on one host: the count, the places, and the first one's message. */
function notConnectedLine(domain: string, results: LintResult[]): string {
  const first = results[0] as LintResult;
  return `${first.severity} registry-not-connected registry ${domain}: ${results.length} image references (${placesOf(results)}); the first: ${first.message}`;
}

function missingCredentialsLine(registry: MissingCredentialsRegistry, results: LintResult[]): string {
  const count = results.length;
  const names = environmentVariableNames(registry.slug);
  const severity = results[0]?.severity ?? 'warning';
  const notChecked = `${count} image reference${count === 1 ? ' is' : 's are'} not checked (${placesOf(results)})`;
  if (registry.withheld !== undefined) return `${severity} credentials-missing registry "${registry.slug}" (${registry.endpoint}): ${notChecked}: ${registry.withheld}`;
  return (
    `${severity} credentials-missing registry "${registry.slug}" (${registry.endpoint}): no credentials on this machine, so ${notChecked}; ` +
    `run \`docker login ${registry.endpoint}\`, or set ${names.username}, ${names.password} and ${names.host}=${credentialHost(registry.endpoint)}`
  );
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0: every rule with its help, every result with a physical location. */
export function toSarif(results: LintResult[], env: Pick<AnalysisEnvironment, 'config' | 'severityOverrides'>): unknown {
  const codes = Object.keys(RULES) as RuleCode[];
  const rules = codes.map((code) => {
    const rule = RULES[code];
    const level = effectiveSeverity(code, env);
    return {
      id: code,
      name: code.replace(/(^|-)([a-z])/g, (_match: string, _dash: string, letter: string) => letter.toUpperCase()),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.help.split('\n\n')[0] ?? rule.title },
      help: { text: rule.help.replace(/`/g, ''), markdown: rule.help },
      defaultConfiguration: level === 'off' ? { enabled: false, level: 'none' } : { level: SARIF_LEVEL[level] },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'replicated-registries',
            version: VERSION,
            informationUri: 'https://docs.replicated.com/vendor/packaging-private-images',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.map((result) => ({
          ruleId: result.code,
          ruleIndex: codes.indexOf(result.code),
          level: SARIF_LEVEL[result.severity],
          message: { text: result.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: result.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
                region: { startLine: result.line, startColumn: result.column, endLine: result.endLine, endColumn: result.endColumn },
              },
            },
          ],
          partialFingerprints: { imageReference: result.reference },
        })),
      },
    ],
  };
}

/**
 * node:crypto, loaded only for the Code Quality format: loading it (and what it pulls in) was 4–9 ms of
 * every lint start. Required rather than imported with import(): a dynamic import() of a Node built-in
 * fails in the CLI bundle, which bin/ runs through vm.Script for its code cache ("A dynamic import
 * callback was not specified"). Loaded under V8's defaults, from Node's cache (cli/v8Flags.ts).
 */
function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return loadUnderDefaultFlags(() => require('node:crypto') as typeof import('node:crypto'));
}

const CODE_QUALITY_SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };

/**
 * GitLab's Code Quality report (`artifacts:reports:codequality`): the required subset of the CodeClimate
 * format GitLab documents — description, check_name, fingerprint, severity (info|minor|major|critical|
 * blocker), location.path relative to the repository, location.lines.begin. The fingerprint leaves the line
 * out, so a finding that only moves is the same finding to GitLab's merge-request comparison; the same
 * reference twice in one file under the same rule is told apart by its order.
 */
export function toCodeQuality(results: LintResult[]): unknown[] {
  const seen = new Map<string, number>();
  const { createHash } = nodeCrypto();
  return results.map((result) => {
    const identity = [result.file, result.code, result.reference, result.message].join('\0');
    const occurrence = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, occurrence);
    return {
      description: result.message,
      check_name: result.code,
      fingerprint: createHash('sha256').update(`${identity}\0${occurrence}`).digest('hex').slice(0, 32),
      severity: CODE_QUALITY_SEVERITY[result.severity],
      location: { path: result.file, lines: { begin: result.line, end: result.endLine } },
    };
  });
}

/**
 * Writes `value` exactly as `JSON.stringify(value, null, 2)` plus a newline, in pieces: a lint of a 50 MB
 * manifest has ~10^6 findings, whose JSON exceeds V8's largest string ("Invalid string length").
 */
/** Values (at any depth) up to which an array element is serialized by the native serializer. */
const SMALL_NODES = 256;

/**
 * Small elements serialized in one native call: one `JSON.stringify` per element (and a re-indenting
 * replace each) was 30–60 ms of `lint --format json` on the 5,000-document benchmark manifest's 2,082
 * results, a run of them at once about 5 ms. A run is at most this many elements, so a piece stays far
 * below the flush size.
 */
const SMALL_RUN = 512;

/**
 * What is left of `budget` after counting the values in `node`; negative when it holds more (stops
 * counting there). An object's own keys are walked with `for...in` rather than `Object.values`, which
 * allocated an array per result (a fifth of writing the 5,000-document manifest's JSON).
 */
function isSmall(node: unknown, budget: number): number {
  let left = budget - 1;
  if (node === null || typeof node !== 'object') return left;
  if (Array.isArray(node)) {
    for (const item of node as unknown[]) {
      left = isSmall(item, left);
      if (left < 0) return left;
    }
    return left;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    left = isSmall(record[key], left);
    if (left < 0) return left;
  }
  return left;
}

/** An array element the native serializer writes whole (undefined, functions and symbols become `null` in an array). */
function isSmallElement(item: unknown): boolean {
  return item === undefined || typeof item === 'function' || typeof item === 'symbol' || isSmall(item, SMALL_NODES) >= 0;
}

/**
 * Results up to which the JSON is made in one native call: `JSON.stringify(value, null, 2)` of the
 * 5,000-document benchmark manifest's 2,082 results took about 1 ms, the walk below 11–13 ms (in a fresh
 * process, where the walk's JavaScript is not yet compiled). Made and written to a stream, first call in
 * a fresh process: 12–15 ms against 22–27 ms for that manifest, 2–3 ms against 13–34 ms for the 1,000-file
 * workspace's results (issue 12). Even at this count the text stays far below V8's largest string: an
 * element is a few hundred bytes plus its message and reference, and those are bounded by the analysed
 * file's size (a RangeError all the same falls back to the walk).
 */
const ONE_CALL_ELEMENTS = 20_000;

/** The most a write holds. */
const FLUSH_AT = 1 << 20;

/**
 * Writes `value` as `writePrettyJson` does; `elements`, when given, is how many results it holds: up to
 * ONE_CALL_ELEMENTS, the text is made in one native call and written in pieces of at most FLUSH_AT
 * (never cutting a surrogate pair, so each piece is valid UTF-16).
 */
export function writeResultsJson(out: CliOutput, value: unknown, elements: number): void {
  if (elements > ONE_CALL_ELEMENTS) return writePrettyJson(out, value);
  let text: string;
  try {
    text = `${JSON.stringify(value, null, 2)}\n`;
  } catch (error) {
    // Longer than V8's largest string after all (huge messages): in pieces.
    if (error instanceof RangeError) return writePrettyJson(out, value);
    throw error;
  }
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + FLUSH_AT, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.write(start === 0 && end === text.length ? text : text.slice(start, end));
    start = end;
  }
}

export function writePrettyJson(out: CliOutput, value: unknown): void {
  let pending = '';
  const emit = (piece: string): void => {
    // Flushed before a piece that would take it past FLUSH_AT, so no write is much larger than FLUSH_AT.
    if (pending.length > 0 && pending.length + piece.length > FLUSH_AT) {
      out.write(pending);
      pending = '';
    }
    pending += piece;
  };
  const visit = (node: unknown, indent: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) return emit('[]');
      const inner = `${indent}  `;
      emit('[');
      let index = 0;
      while (index < node.length) {
        const separator = index === 0 ? '' : ',';
        if (!isSmallElement(node[index])) {
          emit(`${separator}\n${inner}`);
          visit(node[index], inner);
          index++;
          continue;
        }
        let end = index + 1;
        while (end < node.length && end - index < SMALL_RUN && isSmallElement(node[end])) end++;
        // "[\n  a,\n  b\n]" without its brackets: the elements at an indent of two, one level in.
        const run = JSON.stringify(node.slice(index, end), null, 2).slice(2, -2);
        emit(`${separator}\n${indent === '' ? run : `${indent}${run.replace(/\n/g, `\n${indent}`)}`}`);
        index = end;
      }
      return emit(`\n${indent}]`);
    }
    if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON !== 'function') {
      const entries = Object.entries(node).filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol');
      if (entries.length === 0) return emit('{}');
      const inner = `${indent}  `;
      emit('{');
      entries.forEach(([key, item], index) => {
        emit(`${index === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `);
        visit(item, inner);
      });
      return emit(`\n${indent}}`);
    }
    // Scalars (and objects with toJSON) are small: the built-in serializer, re-indented to this depth.
    emit((JSON.stringify(node, null, 2) ?? 'null').replace(/\n/g, `\n${indent}`));
  };
  visit(value, '');
  out.write(`${pending}\n`);
}
