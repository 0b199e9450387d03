/**
 * Finds the YAML files of a folder, for `lint` and the language server's whole-workspace diagnostics
 * alike: skips `node_modules` and VCS folders, honours every `.gitignore` on the way down (nested ones
 * apply to their own subtree), and stops at a file limit so a huge folder cannot stall the server.
 *
 * One walk, two drivers: the walk is a generator that asks for each folder's listing and `.gitignore`
 * and decides everything else; `findYamlFiles` answers it with the promise API (the language server,
 * which must not block), `findYamlFilesSync` synchronously (`lint`, which has nothing else to do
 * meanwhile). Measured on the 1,000-file benchmark workspace (100 folders), cold, in one process: the
 * promise walk took 100–133 ms of wall time, most of it the event loop waiting for the thread pool one
 * folder at a time; the synchronous walk 12–20 ms (issue 12). A `.gitignore` is read only where the
 * folder's listing shows one (opening one in each folder cost a failed system call and an exception
 * each), and a folder's path relative to each `.gitignore` is its parent's plus its name, not a
 * `path.relative` per entry and scope.
 */
import { promises as fs, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { readRegularFile, readRegularFileSync } from '../limits/boundedFiles';

/** A .gitignore larger than this is not read (it is a committed file like any other: a FIFO or a huge file must not stall the walk). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);
const YAML_FILE = /\.ya?ml$/i;

export interface ScanOptions {
  /** Stop after this many files (default 20,000). */
  maxFiles?: number;
  signal?: AbortSignal;
  /** Told about a folder that exists but cannot be read (the walk goes on without it). */
  onUnreadable?: (folder: string, error: unknown) => void;
  /** Which file names to find (default: `*.yaml`, `*.yml`). */
  pattern?: RegExp;
}

interface IgnoreScope {
  /** The .gitignore's rules, made on its first question (see folderNames). */
  rules: () => Ignore;
  /** Every rule names folders only (see namesFoldersOnly): no file is asked about. */
  foldersOnly: boolean;
  /**
   * With foldersOnly, when every rule's last name is a plain ASCII name: those names, lowercased (`ignore`
   * matches without regard to case). A rule that is a literal folder path matches only a folder of its last
   * name, and the walk is only ever inside folders no rule ignored, so a folder of any other name is not
   * asked about: the 1,000-file benchmark workspace's `build/` asks `ignore` about none of its 120 folders,
   * and `ignore` is not even started. Its walk in a fresh process: 8.2 -> 6.9 ms (issue 12).
   */
  folderNames?: ReadonlySet<string>;
}

/** See IgnoreScope.folderNames: a name `ignore` compares as toLowerCase does. */
const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

function ignoreScope(gitignore: string): IgnoreScope {
  let rules: Ignore | undefined;
  const folders = folderRules(gitignore);
  const scope: IgnoreScope = {
    rules: () => {
      // Required on first use: the bundler keeps the package's start until then.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rules ??= (require('ignore') as typeof import('ignore'))().add(gitignore);
      return rules;
    },
    foldersOnly: folders !== undefined,
  };
  const names = folders?.map((rule) => rule.slice(0, -1).split('/').pop()?.replace(/^!/, '') ?? '');
  if (names?.every((name) => PLAIN_NAME.test(name))) scope.folderNames = new Set(names.map((name) => name.toLowerCase()));
  return scope;
}

/** Whether no rule of `scope` can match `name` (see IgnoreScope): then `ignore` is not asked. */
function cannotMatch(scope: IgnoreScope, name: string, isDirectory: boolean): boolean {
  if (!isDirectory) return scope.foldersOnly;
  return scope.folderNames !== undefined && PLAIN_NAME.test(name) && !scope.folderNames.has(name.toLowerCase());
}

/**
 * Whether every rule of a .gitignore is a literal folder path (`build/`, `/out/`, `!keep/`: a trailing
 * slash, no wildcard, no escape). Such a rule matches folders only, and the walk never enters an ignored
 * folder, so no file below the .gitignore can be ignored by it; asking `ignore` about each file anyway
 * cost about 9 µs a file in a fresh process (its per-path cache and parent recursion, cold), 8-10 ms of
 * the 1,000-file benchmark workspace, whose .gitignore is `build/` (issue 12). With any other rule (a
 * wildcard such as `*.log`, a file name such as `secret.yaml`) every file is asked about as before.
 */
export function namesFoldersOnly(gitignore: string): boolean {
  return folderRules(gitignore) !== undefined;
}

/** The rules of a .gitignore that namesFoldersOnly accepts (trailing spaces dropped); undefined for any other. */
function folderRules(gitignore: string): string[] | undefined {
  const rules: string[] = [];
  for (const raw of gitignore.split(/\r?\n/)) {
    // Git drops unescaped trailing spaces (and an escaped one would need a backslash, refused below).
    const line = raw.replace(/ +$/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (!line.endsWith('/') || /[*?[\\]/.test(line) || !/[^/!]/.test(line)) return undefined;
    rules.push(line);
  }
  return rules;
}

/**
 * Whether `name` in a folder is ignored; `within[i]` is that folder relative to the folder of
 * `scopes[i]`'s .gitignore ('' for that folder itself), always below it (see Frame.within).
 */
function isIgnored(scopes: IgnoreScope[], within: string[], name: string, isDirectory: boolean): boolean {
  for (let i = 0; i < scopes.length; i++) {
    const scope = scopes[i] as IgnoreScope;
    if (cannotMatch(scope, name, isDirectory)) continue;
    const folder = within[i] as string;
    const relative = folder === '' ? name : `${folder}/${name}`;
    if (scope.rules().ignores(isDirectory ? `${relative}/` : relative)) return true;
  }
  return false;
}

/** What the walk asks for: a folder's `.gitignore` text (undefined when there is none or it cannot be read), or its listing. */
type WalkRequest = { gitignore: string } | { list: string };
type WalkAnswer = string | undefined | Dirent[] | { error: unknown };

interface Frame {
  folder: string;
  scopes: IgnoreScope[];
  /** The folder's entries in name order (undefined until read), and the next one to look at. */
  entries?: Dirent[];
  next: number;
  /**
   * The folder relative to each scope's base (see isIgnored): its parent's, one name longer, and '' for
   * the folder's own .gitignore. A `path.relative` per folder and scope (which resolves both paths
   * again) was 2-3 ms of the 1,000-file benchmark workspace's walk (issue 12).
   */
  within: string[];
}

/**
 * The walk itself, depth first in name order (a subfolder is walked where its name sorts among the
 * files): yields what it needs to read, is answered with it, returns the files found.
 */
function* walkFolder(root: string, options: ScanOptions): Generator<WalkRequest, string[], WalkAnswer> {
  const maxFiles = options.maxFiles ?? 20_000;
  const pattern = options.pattern ?? YAML_FILE;
  const found: string[] = [];
  // Folders below the root are path.join()ed already: their entries' paths are the folder, a separator
  // and the name (path.join normalizes each of ~1,000 paths again, ~10 ms of a cold walk).
  const start = path.normalize(root);
  const stack: Frame[] = [{ folder: start, scopes: [], next: 0, within: [] }];
  const childPath = (folder: string, name: string): string => (folder === '.' || folder === `.${path.sep}` ? name : folder.endsWith(path.sep) ? folder + name : folder + path.sep + name);
  while (stack.length > 0 && found.length < maxFiles) {
    const frame = stack[stack.length - 1] as Frame;
    if (!frame.entries) {
      if (options.signal?.aborted) break;
      const listing = (yield { list: frame.folder }) as Dirent[] | { error: unknown };
      if (!Array.isArray(listing)) {
        options.onUnreadable?.(frame.folder, listing.error);
        stack.pop();
        continue;
      }
      // Only a folder whose listing names a .gitignore has one to read (trying to open one in every folder
      // was a failed system call and an exception each).
      if (listing.some((entry) => entry.name === '.gitignore')) {
        const gitignore = (yield { gitignore: childPath(frame.folder, '.gitignore') }) as string | undefined;
        if (gitignore !== undefined) {
          frame.scopes = [...frame.scopes, ignoreScope(gitignore)];
          frame.within = [...frame.within, ''];
        }
      }
      frame.entries = listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const within = frame.within;
    const entries = frame.entries;
    let descended = false;
    while (frame.next < entries.length && found.length < maxFiles) {
      const entry = entries[frame.next++] as Dirent;
      const full = childPath(frame.folder, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || isIgnored(frame.scopes, within, entry.name, true)) continue;
        stack.push({ folder: full, scopes: frame.scopes, next: 0, within: within.map((folder) => (folder === '' ? entry.name : `${folder}/${entry.name}`)) });
        descended = true;
        break;
      }
      if (entry.isFile() && pattern.test(entry.name) && !isIgnored(frame.scopes, within, entry.name, false)) found.push(full);
    }
    if (!descended) stack.pop();
  }
  return found;
}

/** Absolute paths of the YAML files under `root`, in walk order (depth first, names sorted). */
export async function findYamlFiles(root: string, options: ScanOptions = {}): Promise<string[]> {
  const walk = walkFolder(root, options);
  let step = walk.next();
  while (!step.done) {
    const request = step.value;
    let answer: WalkAnswer;
    if ('gitignore' in request) answer = await readRegularFile(request.gitignore, MAX_GITIGNORE_BYTES).then((bytes) => bytes.toString('utf8'), () => undefined);
    else answer = await fs.readdir(request.list, { withFileTypes: true }).catch((error: unknown) => ({ error }));
    step = walk.next(answer);
  }
  return step.value;
}

/** `findYamlFiles`, synchronously: for `lint`, which waits for the list anyway. */
export function findYamlFilesSync(root: string, options: Omit<ScanOptions, 'signal'> = {}): string[] {
  const walk = walkFolder(root, options);
  let step = walk.next();
  while (!step.done) {
    const request = step.value;
    let answer: WalkAnswer;
    if ('gitignore' in request) answer = readGitignoreSync(request.gitignore);
    else {
      try {
        answer = readdirSync(request.list, { withFileTypes: true });
      } catch (error) {
        answer = { error };
      }
    }
    step = walk.next(answer);
  }
  return step.value;
}

function readGitignoreSync(file: string): string | undefined {
  try {
    return readRegularFileSync(file, MAX_GITIGNORE_BYTES).toString('utf8');
  } catch {
    return undefined;
  }
}
