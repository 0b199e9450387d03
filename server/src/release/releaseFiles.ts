/**
 * A release's files on disk (for `lint`, `images` and tests): the YAML, chart template (`.tpl`) and chart
 * archive (`.tgz`) files under a root, found by the same walker as lint's (`.gitignore` honoured), and
 * read on demand. `releaseLoader` loads the release once, on first need.
 */
import type { RegistriesConfig } from '../store/types';
import { findYamlFiles } from '../workspace/yamlFiles';
import { ARCHIVE_LIMITS, ArchiveError, archiveTooLarge } from '../charts/archive';
import { BoundedReadError, readRegularFile } from '../limits/boundedFiles';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { loadRelease, type Release, type ReleaseFiles } from './release';

/** The file names a release is made of. */
export const RELEASE_FILE = /\.(ya?ml|tpl|tgz)$/i;

export function fileSystemRelease(root: string): ReleaseFiles {
  return {
    root,
    list: () => findYamlFiles(root, { maxFiles: 50_000, pattern: RELEASE_FILE }),
    // Only regular files, within the caps (limits/boundedFiles.ts): a committed FIFO, device or huge blob is no manifest.
    readText: (file) => readRegularFile(file, INPUT_LIMITS.analyzedFileBytes).then((buffer) => buffer.toString('utf8'), () => undefined),
    readBytes: async (file) => {
      try {
        return new Uint8Array(await readRegularFile(file, ARCHIVE_LIMITS.compressedBytes));
      } catch (error) {
        // Refused before it is read: a hostile archive must not cost its size in memory.
        if (error instanceof BoundedReadError && error.failure === 'too-large') throw new ArchiveError(archiveTooLarge(file, error.size ?? ARCHIVE_LIMITS.compressedBytes + 1));
        return undefined;
      }
    },
  };
}

/** `env.release`: the release loaded once, on first call, then shared. */
export function releaseLoader(files: ReleaseFiles, config: Pick<RegistriesConfig, 'installModes'>): () => Promise<Release | undefined> {
  let loading: Promise<Release | undefined> | undefined;
  return () => (loading ??= loadRelease(files, config).catch(() => undefined));
}
