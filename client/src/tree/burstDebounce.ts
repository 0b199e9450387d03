/**
 * Runs a refresh once a burst is over: file saves and server notifications come several at a time, and a
 * tree reloaded per event flickers and asks the server again for nothing. Shared by the Registries and
 * Images views.
 */
export const REFRESH_DEBOUNCE_MS = 200;

export class BurstDebounce {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: () => void,
    private readonly delayMs = REFRESH_DEBOUNCE_MS,
  ) {}

  /** (Re)starts the wait; `run` follows once nothing else asked for `delayMs`. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
