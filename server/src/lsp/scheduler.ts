/**
 * Cooperative slicing of the server's only thread. Every long piece of work (analysing a big file,
 * converting its diagnostics, the workspace scan) checks `due()` between small units (one YAML
 * document, one document's diagnostics) and calls `turn()` when it says so: once a slice of SLICE_MS
 * has been used, `turn()` yields to the event loop so that a keystroke, a hover or a pull request waiting
 * in the queue runs first.
 *
 * Background work (the workspace scan, files re-read because another file changed) also waits while an
 * edit is pending — from a didChange until that version's diagnostics are out — and for QUIET_MS after
 * it, so that while someone types it runs in the pauses between keystrokes. It still gets a slice at
 * least every MAX_PAUSE_MS: typing slows the scan down, never stops it. Interactive work never waits for
 * background work beyond the slice in progress.
 *
 * Measured (2-core machine, bench/lspResponsiveness.bench.ts): one document of the 4.3 MB benchmark
 * manifest costs 0.02–0.1 ms to analyse, so a slice holds 40–200 of them. Before slicing, a keystroke
 * in another file waited for the whole 4.3 MB file (about 500 ms); sliced but without the quiet period,
 * the scan's slices between keystrokes still doubled their latency (p95 35–50 ms against 8–10 ms idle,
 * keystrokes 30 ms apart) — the machine has two cores for the editor, the server and the scan.
 *
 * Some background work cannot be cut: reading a big file that is not open (decoding 4.3 MB and
 * indexing its lines, 10–30 ms), and publishing its diagnostics (comparing them with the last ones and
 * the JSON of the notification, 20–60 ms with 11,000 of them). A CPU profile of the server during the
 * scan while typing (one keystroke every 30 ms) showed each of these blocks starting when the 25 ms quiet
 * period ended, that is just before the next keystroke, which then waited for the whole block. So such a
 * block waits for a longer pause, BLOCK_QUIET_MS without an edit (longer than the 60–100 ms between the
 * keystrokes of a word, settings.ts), or for MAX_PAUSE_MS: while typing goes on, each block delays at
 * most one keystroke a second. Measured in the same runs (bench/lspResponsiveness.bench.ts, keystrokes
 * 30 ms apart, four runs): keystroke p95 during the scan 1.3–2.2x idle, against 2.7–3.2x before; the scan takes 4.1–4.4 s
 * instead of 2.1–2.3 s while typing goes on (0.4–0.5 s with nobody typing).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest stretch of work between two chances for the event loop (ms). */
export const SLICE_MS = 1;
/** Background work waits this long after the last edit's diagnostics are out (ms). */
export const QUIET_MS = 25;
/** Background work waiting on edits still gets one slice after this long (ms). */
export const MAX_PAUSE_MS = 1_000;
/** A background block that cannot be cut waits this long after the last edit's diagnostics (ms). */
export const BLOCK_QUIET_MS = 150;
/**
 * A file not open is read and published as such blocks from this size (bytes on disk, characters of its
 * text: about the same for YAML): below it
 * they take about a millisecond, and a workspace of small files would otherwise wait for pauses in typing.
 */
export const BLOCK_FILE_CHARS = 256 * 1024;

export type Priority = 'interactive' | 'background';

export class WorkScheduler {
  private sliceStarted = performance.now();
  private interactive = 0;
  private lastInteractiveEnd = -Infinity;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** Whether `turn(priority)` would pause now (loops test this first: an `await` per unit costs too). */
  due(priority: Priority): boolean {
    return (priority === 'background' && this.mustWait()) || performance.now() - this.sliceStarted >= this.sliceMs;
  }

  /**
   * A point where `priority` work may pause: yields when the current slice is used up; background work
   * also waits here while an edit is pending or was just done.
   */
  async turn(priority: Priority): Promise<void> {
    if (priority === 'background' && this.mustWait()) {
      await this.quiet();
    } else {
      if (performance.now() - this.sliceStarted < this.sliceMs) return;
      await yieldToEventLoop();
      if (priority === 'background' && this.mustWait()) await this.quiet();
    }
    this.sliceStarted = performance.now();
  }

  /**
   * Yields once, whatever the slice, before a block of work that cannot be cut (such as a publish):
   * background work then waits for `quietMs` without edits (or MAX_PAUSE_MS).
   */
  async yield(priority: Priority, quietMs = this.quietMs): Promise<void> {
    await yieldToEventLoop();
    if (priority === 'background' && this.mustWait(quietMs)) await this.quiet(quietMs);
    this.sliceStarted = performance.now();
  }

  /** `yield` before a long block (decoding, indexing or publishing a big file): it waits for BLOCK_QUIET_MS. */
  beforeBlock(priority: Priority): Promise<void> {
    return this.yield(priority, BLOCK_QUIET_MS);
  }

  /** Marks interactive work as pending until the returned function is called (idempotent). */
  beginInteractive(): () => void {
    this.interactive++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.interactive--;
      if (this.interactive === 0) {
        this.lastInteractiveEnd = performance.now();
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    };
  }

  get interactivePending(): boolean {
    return this.interactive > 0;
  }

  private mustWait(quietMs = this.quietMs): boolean {
    return this.interactive > 0 || performance.now() - this.lastInteractiveEnd < quietMs;
  }

  /** Resolves once no edit is pending and `quietMs` has passed since the last one, or after MAX_PAUSE_MS. */
  private async quiet(quietMs = this.quietMs): Promise<void> {
    const deadline = performance.now() + MAX_PAUSE_MS;
    while (this.mustWait(quietMs)) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      if (this.interactive > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, left);
          function wake(): void {
            clearTimeout(timer);
            resolve();
          }
          this.idleWaiters.push(wake);
        });
      } else {
        await new Promise<void>((resolve) => setTimeout(resolve, Math.min(left, quietMs - (performance.now() - this.lastInteractiveEnd))));
      }
    }
  }
}

/** For code that runs outside the server (unit tests, the CLI): never pauses. */
export const UNSLICED: Pick<WorkScheduler, 'due' | 'turn' | 'yield' | 'beforeBlock'> = {
  due: () => false,
  turn: () => Promise.resolve(),
  yield: () => Promise.resolve(),
  beforeBlock: () => Promise.resolve(),
};
