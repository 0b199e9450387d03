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

/**
 * Reads many files, one after another, as text through one buffer kept between them, for files already
 * seen to be regular files (`lint`'s list: a folder listing's entry type, or `stat` of a path it was
 * given). `readRegularFileSync`'s bounds hold: opened with O_NONBLOCK, a file over `maxBytes` refused
 * with the same error, never more than one byte past it read. What changes is when `fstat` is asked:
 * only when the read ends empty or with an error, or outgrows the first buffer — the cases of a large
 * file and of a FIFO, device or folder swapped in since the listing — not for every small file.
 * Node 20's `fstatSync` builds a Stats object with four Dates (13-14 µs a call, and its code is hot
 * enough for V8 to optimize it in the background); with it and a fresh buffer per file, reading the
 * 1,000-file benchmark workspace took 33-37 ms in a fresh process against 28-32 ms this way (23-26 ms
 * for `readFileSync(path, 'utf8')`, which bounds nothing; issue 12). A FIFO swapped in between the
 * listing and the open, with a live writer, is read as text (within the cap).
 */
export class SeenRegularFileReader {
  private buffer: Buffer;

  constructor(private readonly maxBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1));
  }

  /** The text (UTF-8) of a file of at most `maxBytes`; throws BoundedReadError. */
  readText(filePath: string): string {
    let fd: number | undefined;
    try {
      const opened = openSync(filePath, OPEN_FLAGS);
      fd = opened;
      let stats: Stats | undefined;
      const check = (): Stats => {
        if (!stats) {
          stats = fstatSync(opened);
          checkStats(stats, this.maxBytes);
        }
        return stats;
      };
      let total = 0;
      for (;;) {
        if (total === this.buffer.length) {
          // More than the buffer holds: a large file (refused unread past the cap; else read into a buffer
          // of its size at once, not one doubled and copied a dozen times) or a device without end.
          const { size } = check();
          if (total > this.maxBytes) throw tooLargeWhileReading(this.maxBytes);
          const bigger = Buffer.allocUnsafe(Math.min(Math.max(size + 1, this.buffer.length * 2), this.maxBytes + 1));
          this.buffer.copy(bigger, 0, 0, total);
          this.buffer = bigger;
        }
        let bytesRead: number;
        try {
          bytesRead = readSync(opened, this.buffer, total, this.buffer.length - total, null);
        } catch (error) {
          // A folder (EISDIR), a FIFO or terminal with nothing to read (EAGAIN): said as fstat says it.
          check();
          throw error;
        }
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      // Nothing read: an empty file, or a FIFO nobody writes, /dev/null...
      if (total === 0) check();
      return this.buffer.toString('utf8', 0, total);
    } catch (error) {
      throw ioError(error);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}
