/**
 * The vendor-portal connection of this VS Code user: the Replicated API token (with its origin and
 * optional app slug) kept ONLY in SecretStorage, and the `replicated-registries.portalConnected` context
 * key. The language server asks for it (GetPortalConnectionRequest) and does all the talking to the
 * Vendor API; nothing here calls it.
 */
import * as vscode from 'vscode';
import type { PortalConnection } from '../../../server/src/protocol/messages';
import { registerSecret } from '../../../server/src/protocol/redaction';
import { parsePortalConnection, serializePortalConnection } from '../portal/portalFormat';

const SECRET_KEY = 'replicated-registries.vendorPortal.connection';
export const PORTAL_CONNECTED_CONTEXT = 'replicated-registries.portalConnected';

export class PortalConnectionStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<boolean>();
  /** Fires with the new state when connected or disconnected (also from another window). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private cached: Promise<PortalConnection | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== SECRET_KEY) return;
      this.cached = undefined;
      void this.connection().then((connection) => this.announce(connection !== undefined));
    });
  }

  /** The stored connection, or undefined when not connected. */
  connection(): Promise<PortalConnection | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(SECRET_KEY)).then(
      (raw) => {
        const connection = parsePortalConnection(raw);
        if (connection) registerSecret(connection.token);
        return connection;
      },
      (error: unknown) => {
        this.cached = undefined;
        throw error;
      },
    );
    return this.cached;
  }

  async isConnected(): Promise<boolean> {
    return (await this.connection()) !== undefined;
  }

  /** Sets the context key from what is stored (at activation). */
  async refreshContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', PORTAL_CONNECTED_CONTEXT, await this.isConnected());
  }

  /** Saves a verified connection: SecretStorage only. */
  async connect(connection: PortalConnection): Promise<void> {
    registerSecret(connection.token);
    await this.secrets.store(SECRET_KEY, serializePortalConnection(connection));
    this.cached = Promise.resolve(connection);
    await this.announce(true);
  }

  async disconnect(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.cached = Promise.resolve(undefined);
    await this.announce(false);
  }

  private async announce(connected: boolean): Promise<void> {
    await vscode.commands.executeCommand('setContext', PORTAL_CONNECTED_CONTEXT, connected);
    this.changeEmitter.fire(connected);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
