/**
 * Reading a file a committed file may name (a registry's `caFile`, a manifest, the registries file):
 * only a regular file, only up to a size. The file is opened with O_NONBLOCK, so a FIFO nobody writes
 * cannot block the open, and then refused unless `fstat` says it is a regular file (a FIFO, a device
 * such as /dev/zero or /dev/tty, a socket, a folder); reading stops one byte past the cap, so a file
 * that grows while it is read cannot exhaust memory either.
 */
// `promises` from node:fs, read at call time: node:fs/promises (and the streams and readline it loads)
// then costs nothing to a process that only reads synchronously, as lint does.
import { closeSync, constants, fstatSync, openSync, promises, readSync, type Stats } from 'node:fs';
import { formatBytes } from './inputLimits';

export type BoundedReadFailure = 'not-a-file' | 'too-large' | 'io';

export class BoundedReadError extends Error {
  constructor(
    readonly failure: BoundedReadFailure,
    message: string,
    /** The file system's code (`ENOENT`, `EACCES`...) for `io` failures. */
    readonly code?: string,
    /** The file's size, for `too-large`. */
    readonly size?: number,
  ) {
    super(message);
    this.name = 'BoundedReadError';
  }
}

// Windows has no O_NONBLOCK (and no FIFOs in the file system).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function checkStats(stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new BoundedReadError('not-a-file', `it is ${kindOf(stats)}, not a regular file`);
  if (stats.size > maxBytes) throw new BoundedReadError('too-large', `it is ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} limit`, undefined, stats.size);
}

function ioError(error: unknown): BoundedReadError {
  if (error instanceof BoundedReadError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new BoundedReadError('io', code ?? (error instanceof Error ? error.message : String(error)), code);
}

function tooLargeWhileReading(maxBytes: number): BoundedReadError {
  return new BoundedReadError('too-large', `it grew past the ${formatBytes(maxBytes)} limit while it was read`, undefined, maxBytes + 1);
}

/**
 * The first buffer a read fills: the size `fstat` gave plus one byte (so the end of the file is seen
 * without a second allocation), capped at one byte past the limit. Reading 1,000 small files into
 * 64 KiB chunks then concatenating cost 114 ms cold (allocation and copies) against 51 ms into one
 * buffer sized this way (issue 12, the 1,000-file `lint` workspace); a file that grows while it is read
 * still stops one byte past the cap.
 */
function firstBufferSize(stats: Stats, maxBytes: number): number {
  return Math.min(stats.size, maxBytes) + 1;
}

/** `buffer` (holding `used` bytes) with room for more, never past one byte over `maxBytes`. */
function grown(buffer: Buffer, used: number, maxBytes: number): Buffer {
  if (used > maxBytes) throw tooLargeWhileReading(maxBytes);
  const bigger = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, 64 * 1024), maxBytes + 1));
  buffer.copy(bigger, 0, 0, used);
  return bigger;
}

/** The bytes of a regular file of at most `maxBytes`; throws BoundedReadError. */
export async function readRegularFile(filePath: string, maxBytes: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof promises.open>> | undefined;
  try {
    handle = await promises.open(filePath, OPEN_FLAGS);
    const stats = await handle.stat();
    checkStats(stats, maxBytes);
    let buffer: Buffer = Buffer.allocUnsafe(firstBufferSize(stats, maxBytes));
    let total = 0;
    for (;;) {
      if (total === buffer.length) buffer = grown(buffer, total, maxBytes);
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > maxBytes) throw tooLargeWhileReading(maxBytes);
    return buffer.subarray(0, total);
  } catch (error) {
    throw ioError(error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Synchronous twin of `readRegularFile`. */
export function readRegularFileSync(filePath: string, maxBytes: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(filePath, OPEN_FLAGS);
    const stats = fstatSync(fd);
    checkStats(stats, maxBytes);
    let buffer: Buffer = Buffer.allocUnsafe(firstBufferSize(stats, maxBytes));
    let total = 0;
    for (;;) {
      if (total === buffer.length) buffer = grown(buffer, total, maxBytes);
      const asked = buffer.length - total;
      const bytesRead = readSync(fd, buffer, total, asked, null);
      total += bytesRead;
      // A short read that reached the size fstat gave is the end of the file as it was opened: no second
      // read to see 0 bytes (one system call of five per file; 1,000 small files read in 29–32 ms instead
      // of 35–39 ms, issue 12). A file still growing is read as it was at fstat, never past the cap; a file
      // whose size says nothing (0: /proc and the like) is read to its end.
      if (bytesRead === 0 || (bytesRead < asked && stats.size > 0 && total >= stats.size)) break;
    }
    if (total > maxBytes) throw tooLargeWhileReading(maxBytes);
    return buffer.subarray(0, total);
  } catch (error) {
    throw ioError(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
