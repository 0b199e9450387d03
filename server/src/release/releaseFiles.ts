/**
 * A release's files on disk (for `lint`, `images` and tests): the YAML, chart template (`.tpl`) and chart
 * archive (`.tgz`) files under a root, found by the same walker as lint's (`.gitignore` honoured), and
 * read on demand. `releaseLoader` loads the release once, on first need.
 */
import { readFile, stat } from 'node:fs/promises';
import type { RegistriesConfig } from '../store/types';
import { findYamlFiles } from '../workspace/yamlFiles';
import { ARCHIVE_LIMITS, ArchiveError, archiveTooLarge } from '../charts/archive';
import { loadRelease, type Release, type ReleaseFiles } from './release';

/** The file names a release is made of. */
export const RELEASE_FILE = /\.(ya?ml|tpl|tgz)$/i;

/** Text files bigger than this are not read as part of a release (a generated blob is no manifest). */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

export function fileSystemRelease(root: string): ReleaseFiles {
  return {
    root,
    list: () => findYamlFiles(root, { maxFiles: 50_000, pattern: RELEASE_FILE }),
    readText: async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || info.size > MAX_TEXT_BYTES) return undefined;
      return readFile(file, 'utf8').catch(() => undefined);
    },
    readBytes: async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      // Refused before it is read: a hostile archive must not cost its size in memory.
      if (info.size > ARCHIVE_LIMITS.compressedBytes) throw new ArchiveError(archiveTooLarge(file, info.size));
      return readFile(file).then((buffer) => new Uint8Array(buffer)).catch(() => undefined);
    },
  };
}

/** `env.release`: the release loaded once, on first call, then shared. */
export function releaseLoader(files: ReleaseFiles, config: Pick<RegistriesConfig, 'installModes'>): () => Promise<Release | undefined> {
  let loading: Promise<Release | undefined> | undefined;
  return () => (loading ??= loadRelease(files, config).catch(() => undefined));
}
