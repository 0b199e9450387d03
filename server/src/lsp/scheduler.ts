/**
 * Cooperative slicing of the server's only thread. Every long piece of work (analysing a big file,
 * converting its diagnostics, the workspace scan) calls `turn()` between small units (one YAML
 * document, one batch of diagnostics): once a slice of SLICE_MS has been used, `turn()` yields to the
 * event loop so that a keystroke, a hover or a pull request waiting in the queue runs first.
 * Background work (the workspace scan, a release re-read) also waits, at each turn, while interactive
 * work is pending: from a didChange until that version's diagnostics are out, and while a request of
 * the editor is being answered. Interactive work never waits for background work.
 *
 * Measured (2-core machine, `npm run bench`, lspResponsiveness): one document of the 4.3 MB benchmark
 * manifest costs 0.02–0.1 ms to analyse, so a 4 ms slice holds 40–200 of them and a keystroke in another
 * file waits at most one slice; before slicing it waited for the whole 4.3 MB file (about 500 ms).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest stretch of work between two chances for the event loop (ms). */
export const SLICE_MS = 4;
/** Background work waiting on interactive work still gets one slice after this long (typing never starves the scan). */
export const MAX_PAUSE_MS = 1_000;

export type Priority = 'interactive' | 'background';

export class WorkScheduler {
  private sliceStarted = performance.now();
  private interactive = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Whether `turn(priority)` would pause now (loops test this first: an `await` per unit costs too). */
  due(priority: Priority): boolean {
    return (priority === 'background' && this.interactive > 0) || performance.now() - this.sliceStarted >= this.sliceMs;
  }

  /**
   * A point where `priority` work may pause: yields when the current slice is used up; background work
   * also waits here until no interactive work is pending.
   */
  async turn(priority: Priority): Promise<void> {
    if (priority === 'background' && this.interactive > 0) {
      await this.idle();
      this.sliceStarted = performance.now();
      return;
    }
    if (performance.now() - this.sliceStarted < this.sliceMs) return;
    await yieldToEventLoop();
    if (priority === 'background' && this.interactive > 0) await this.idle();
    this.sliceStarted = performance.now();
  }

  /** Yields once, whatever the slice (before a block of work that cannot be cut, such as a publish). */
  async yield(priority: Priority): Promise<void> {
    await yieldToEventLoop();
    if (priority === 'background' && this.interactive > 0) await this.idle();
    this.sliceStarted = performance.now();
  }

  /** Marks interactive work as pending until the returned function is called (idempotent). */
  beginInteractive(): () => void {
    this.interactive++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.interactive--;
      if (this.interactive === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
  }

  /** Runs `task` as interactive work. */
  async interactively<T>(task: () => Promise<T>): Promise<T> {
    const end = this.beginInteractive();
    try {
      return await task();
    } finally {
      end();
    }
  }

  get interactivePending(): boolean {
    return this.interactive > 0;
  }

  private idle(): Promise<void> {
    if (this.interactive === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, MAX_PAUSE_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }
}

/** For code that runs outside the server (unit tests, the CLI): never pauses. */
export const UNSLICED: Pick<WorkScheduler, 'due' | 'turn' | 'yield'> = {
  due: () => false,
  turn: () => Promise.resolve(),
  yield: () => Promise.resolve(),
};
