/**
 * A packaged Helm chart (`.tgz`) read in place, in memory, through a kept streaming tar reader
 * (`tar-stream`, pinned) over Node's own gunzip. Only what the analysis needs is kept: `Chart.yaml`,
 * `values.yaml`, the files under `templates/`, and the subcharts under `charts/` (folders or nested
 * archives). Nothing is written to disk.
 *
 * Every archive in a workspace may be hostile, so reading is bounded the way Helm bounds it
 * (helm.sh/helm/v3 pkg/chart/loader: 100 MiB decompressed per chart, 5 MiB per file) plus an entry
 * count and a nesting depth: past a bound the archive is refused with a message that says which bound
 * and what to do, and nothing of it is used. Entry names with `..`, absolute paths, links and devices
 * are skipped, never followed.
 */
import type { Header } from 'tar-stream';

export const ARCHIVE_LIMITS = {
  /** The `.tgz` file itself. */
  compressedBytes: 20 * 1024 * 1024,
  /** Everything it decompresses to (Helm: MaxDecompressedChartSize). */
  decompressedBytes: 100 * 1024 * 1024,
  /** One kept file (Helm: MaxDecompressedFileSize). */
  fileBytes: 5 * 1024 * 1024,
  entries: 10_000,
  /** Archives inside archives (`charts/*.tgz` of a packaged chart, and theirs). */
  nesting: 3,
};

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export interface ArchiveEntries {
  /** Kept files by normalized entry path (`acme-api/values.yaml`): text, or bytes for nested `.tgz`. */
  files: Map<string, string | Uint8Array>;
  /** Entries skipped for their name or type (for the hover: what was not read). */
  skipped: string[];
}

/** Which entries are kept: chart metadata, values, templates, and anything under `charts/`. */
function isWanted(entry: string): boolean {
  const parts = entry.split('/');
  if (parts.length < 2) return false;
  const inner = parts.slice(1);
  const name = inner[inner.length - 1] as string;
  if (inner.length === 1) return name === 'Chart.yaml' || name === 'values.yaml';
  if (inner[0] === 'templates') return /\.(ya?ml|tpl|txt)$/i.test(name);
  if (inner[0] === 'charts') return inner.length === 2 ? /\.tgz$/i.test(name) : isWanted(inner.slice(1).join('/'));
  return false;
}

/** A safe, normalized entry name, or undefined for names that escape the archive. */
export function normalizeEntryName(name: string): string | undefined {
  if (name.includes('\\') || name.includes('\u0000')) return undefined;
  const trimmed = name.replace(/^\.\//, '');
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed)) return undefined;
  const parts = trimmed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return undefined;
  return parts.join('/');
}

/**
 * node:zlib, loaded with the first archive: a static import loaded it (3.5-3.8 ms and 116 page faults
 * in a fresh process on the benchmark machine) in every `lint` and language server start, though only
 * packaged charts need it (issue 12). Required rather than imported with import(): a dynamic import()
 * of a Node built-in fails in the CLI bundle, which bin/ runs through vm.Script for its code cache ("A
 * dynamic import callback was not specified").
 */
function nodeZlib(): typeof import('node:zlib') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node:zlib') as typeof import('node:zlib');
}

/** Reads a `.tgz` (bytes) into the entries a chart analysis needs. Rejects with ArchiveError past any bound. */
export async function readChartArchive(bytes: Uint8Array, label: string): Promise<ArchiveEntries> {
  if (bytes.byteLength > ARCHIVE_LIMITS.compressedBytes) throw new ArchiveError(archiveTooLarge(label, bytes.byteLength));
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ArchiveError(`${label} is not a gzip-compressed archive (a packaged chart is a .tgz made by \`helm package\`); it was not read`);
  const files = new Map<string, string | Uint8Array>();
  const skipped: string[] = [];
  let decompressed = 0;
  let entries = 0;

  // tar-stream (bundled) and node:zlib are loaded with the first archive: most workspaces have none (issue 12).
  const { extract } = await import('tar-stream');
  const gunzip = nodeZlib().createGunzip();
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      gunzip.destroy();
      tar.destroy();
      reject(error instanceof ArchiveError ? error : new ArchiveError(`${label} could not be read as a chart archive (${error instanceof Error ? error.message : String(error)}); it was not read`));
    };
    gunzip.on('data', (chunk: Buffer) => {
      decompressed += chunk.byteLength;
      if (decompressed > ARCHIVE_LIMITS.decompressedBytes) fail(new ArchiveError(`${label} decompresses to more than ${megabytes(ARCHIVE_LIMITS.decompressedBytes)} (Helm's own limit for a chart); it was not read`));
    });
    gunzip.on('error', fail);
    tar.on('error', fail);
    tar.on('entry', (header: Header, stream, next) => {
      entries++;
      if (entries > ARCHIVE_LIMITS.entries) {
        stream.resume();
        fail(new ArchiveError(`${label} has more than ${ARCHIVE_LIMITS.entries} entries; it was not read`));
        return;
      }
      const name = normalizeEntryName(header.name);
      const keep = name !== undefined && header.type === 'file' && isWanted(name);
      if (name === undefined || (header.type !== 'file' && header.type !== 'directory')) skipped.push(header.name);
      if (!keep) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      if ((header.size ?? 0) > ARCHIVE_LIMITS.fileBytes) {
        skipped.push(`${header.name} (larger than ${megabytes(ARCHIVE_LIMITS.fileBytes)})`);
        stream.on('end', next);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.byteLength;
        if (size <= ARCHIVE_LIMITS.fileBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        if (size > ARCHIVE_LIMITS.fileBytes) skipped.push(`${header.name} (larger than ${megabytes(ARCHIVE_LIMITS.fileBytes)})`);
        else files.set(name, /\.tgz$/i.test(name) ? new Uint8Array(body) : body.toString('utf8'));
        next();
      });
    });
    tar.on('finish', resolve);
  });
  gunzip.pipe(tar);
  gunzip.end(bytes);
  await done;
  return { files, skipped };
}

export function archiveTooLarge(label: string, size: number): string {
  return `${label} is ${megabytes(size)}, more than the ${megabytes(ARCHIVE_LIMITS.compressedBytes)} a chart archive may be here; it was not read`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}
