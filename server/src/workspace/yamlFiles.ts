/**
 * Finds the YAML files of a folder, for `lint` and the language server's whole-workspace diagnostics
 * alike: skips `node_modules` and VCS folders, honours every `.gitignore` on the way down (nested ones
 * apply to their own subtree), and stops at a file limit so a huge folder cannot stall the server.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readRegularFile } from '../limits/boundedFiles';

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
  /** Folder the .gitignore sits in, absolute. */
  base: string;
  rules: Ignore;
}

function isIgnored(scopes: IgnoreScope[], absolutePath: string, isDirectory: boolean): boolean {
  for (const scope of scopes) {
    const relative = path.relative(scope.base, absolutePath).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('..')) continue;
    if (scope.rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
  }
  return false;
}

async function readGitignore(folder: string): Promise<IgnoreScope | undefined> {
  try {
    const text = (await readRegularFile(path.join(folder, '.gitignore'), MAX_GITIGNORE_BYTES)).toString('utf8');
    return { base: folder, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

/** Absolute paths of the YAML files under `root`, sorted. */
export async function findYamlFiles(root: string, options: ScanOptions = {}): Promise<string[]> {
  const maxFiles = options.maxFiles ?? 20_000;
  const pattern = options.pattern ?? YAML_FILE;
  const found: string[] = [];
  const walk = async (folder: string, inherited: IgnoreScope[]): Promise<void> => {
    if (found.length >= maxFiles || options.signal?.aborted) return;
    const own = await readGitignore(folder);
    const scopes = own ? [...inherited, own] : inherited;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (error) {
      options.onUnreadable?.(folder, error);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (found.length >= maxFiles) return;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || isIgnored(scopes, full, true)) continue;
        await walk(full, scopes);
      } else if (entry.isFile() && pattern.test(entry.name) && !isIgnored(scopes, full, false)) {
        found.push(full);
      }
    }
  };
  await walk(root, []);
  return found;
}
