/**
 * Per-key debouncing for push diagnostics: each document (URI) has at most one pending run, a newer
 * change replaces it, and closing the document cancels it.
 */
export class PerKeyDebouncer {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  /** Runs `task` after `delayMs` unless `schedule` or `cancel` is called again for the same key first. */
  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      task();
    }, Math.max(0, delayMs));
    this.pending.set(key, timer);
  }

  cancel(key: string): void {
    const timer = this.pending.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.pending.delete(key);
    }
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
