/**
 * ServerStatusNotification: `checking` while pull checks run, `idle` after, `offline` when no network
 * check may run, `error` while the vendor portal merge has warnings (portal unreachable, token
 * rejected, unknown app, shadowed entries) — a state, so the editor keeps showing it until it is fixed.
 */
import type { Connection } from 'vscode-languageserver/node';
import { ServerStatusNotification, type ServerStatusParams } from '../protocol/messages';

export class StatusReporter {
  private inFlight = 0;
  private last: ServerStatusParams | undefined;
  private offlineReason: string | undefined;
  private portalWarnings: readonly string[] = [];

  constructor(private readonly connection: Connection) {}

  /** Network checks are off (offline, untrusted, or remote checks disabled): say why. */
  setOffline(reason: string | undefined): void {
    this.offlineReason = reason;
    this.publish();
  }

  /** The vendor portal merge's current warnings (empty when none or no portal). */
  setPortalWarnings(warnings: readonly string[]): void {
    // Nothing to say when nothing changed (the first status must not be published before the offline reason is known).
    if (warnings.length === this.portalWarnings.length && warnings.every((w, i) => w === this.portalWarnings[i])) return;
    this.portalWarnings = warnings;
    this.publish();
  }

  begin(): void {
    this.inFlight++;
    this.publish();
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.publish();
  }

  private publish(): void {
    const next: ServerStatusParams =
      this.inFlight > 0
        ? { state: 'checking', message: 'Checking images against the registries' }
        : this.offlineReason
          ? { state: 'offline', message: this.offlineReason }
          : this.portalWarnings.length > 0
            ? { state: 'error', message: this.portalWarnings.join(' ') }
            : { state: 'idle', message: 'Images checked' };
    if (this.last && this.last.state === next.state && this.last.message === next.message) return;
    this.last = next;
    void this.connection.sendNotification(ServerStatusNotification, next).catch(() => undefined);
  }
}
