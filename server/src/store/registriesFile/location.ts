/**
 * Which `.replicated-registries.yaml` applies, and reading it under its bounds. One rule for every tool:
 * the file that applies to a folder is the one in that folder or its nearest parent that has one; when
 * there is none, a new one is created in the folder itself (the CLI's working folder, the editor's
 * workspace folder). The CLI, the language server and — through the server — the extension all ask here.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BoundedReadError, readRegularFileSync } from '../../limits/boundedFiles';
import { INPUT_LIMITS } from '../../limits/inputLimits';
import type { ConfigProblem } from './types';

export const REGISTRIES_FILE_NAME = '.replicated-registries.yaml';

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


/** The registries file that applies to `folder`, or where a new one goes (`exists: false`). */
export function locateRegistriesFile(folder: string): { filePath: string; exists: boolean } {
  const found = findRegistriesFile(folder);
  return found ? { filePath: found, exists: true } : { filePath: path.join(path.resolve(folder), REGISTRIES_FILE_NAME), exists: false };
}

/** Whether a registries file exists at the path. */
export function registriesFileExists(filePath: string): boolean {
  return existsSync(filePath);
}
