/**
 * The vendor-portal connection of this VS Code user: the Replicated API token (with its origin and
 * optional app slug) kept ONLY in SecretStorage, the `replicated-registries.portalConnected` context
 * key, and the portal backend of the Registries view. The Vendor API client itself lives in the
 * lazily loaded engine bundle (dist/clientEngine.js), so activation does not parse it.
 */
import * as vscode from 'vscode';
import type { PortalConnection } from '../../../server/src/protocol/messages';
import { registerSecret } from '../../../server/src/log/logger';
import type { PullCheckResult, RegistryEntry } from '../../../server/src/registry/types';
import type { PullLogEntry } from '../../../server/src/store/types';
import type { PortalRegistryStore } from '../../../server/src/store/portal/portalStore';
import { loadClientEngine } from '../engine/loadClientEngine';
import type { ClientLogger } from '../log';
import type { RegistriesBackend } from '../registriesModel';
import type { StoredCredentials } from '../credentialsVault';
import { parsePortalConnection, serializePortalConnection } from './portalFormat';

const SECRET_KEY = 'replicated-registries.vendorPortal.connection';
export const PORTAL_CONNECTED_CONTEXT = 'replicated-registries.portalConnected';

export class VendorPortal implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<boolean>();
  /** Fires with the new state when connected or disconnected (also from another window). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private cached: Promise<PortalConnection | undefined> | undefined;
  /** One API client per connection (it holds the token; rebuilt when the connection changes). */
  private store: { connection: PortalConnection; store: PortalRegistryStore } | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: ClientLogger,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== SECRET_KEY) return;
      this.cached = undefined;
      this.store = undefined;
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

  /** Builds a client for a connection that is not saved yet (the Connect command verifies with it). */
  static createStore(connection: PortalConnection, logger: ClientLogger): PortalRegistryStore {
    const { PortalRegistryStore } = loadClientEngine();
    return new PortalRegistryStore({ token: connection.token, origin: connection.origin, logger });
  }

  /** Saves a verified connection: SecretStorage only. */
  async connect(connection: PortalConnection): Promise<void> {
    registerSecret(connection.token);
    await this.secrets.store(SECRET_KEY, serializePortalConnection(connection));
    this.cached = Promise.resolve(connection);
    this.store = undefined;
    await this.announce(true);
  }

  async disconnect(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.cached = Promise.resolve(undefined);
    this.store = undefined;
    await this.announce(false);
  }

  /** The API client of the current connection; throws a clear error when not connected. */
  async requireStore(): Promise<PortalRegistryStore> {
    const connection = await this.connection();
    if (!connection) throw new Error('The vendor portal is not connected. Run "Replicated: Connect Vendor Portal" first.');
    if (!this.store || this.store.connection !== connection) this.store = { connection, store: VendorPortal.createStore(connection, this.logger) };
    return this.store.store;
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

/** The Registries view's backend for the team's registries in the vendor portal: credentials go to Replicated. */
export class PortalBackend implements RegistriesBackend {
  readonly kind = 'portal' as const;
  readonly storesCredentialsLocally = false;

  constructor(
    private readonly portal: VendorPortal,
    private readonly logger: ClientLogger,
  ) {}

  async list(): Promise<RegistryEntry[]> {
    const store = await this.portal.requireStore();
    return (await store.list()).map((entry) => ({ ...entry, source: 'portal' as const }));
  }

  /** Adds to the portal; the portal validates the credentials with a pull of its own before keeping them. */
  async save(entry: RegistryEntry, previous?: RegistryEntry, credentials?: StoredCredentials): Promise<void> {
    if (!credentials) {
      throw new Error(`The vendor portal needs the credentials of "${entry.slug}" to save it: run the add flow again and enter them.`);
    }
    const store = await this.portal.requireStore();
    // The Vendor API has no update call: a rename or change is an add of the new entry, then a remove of the old one.
    await store.add({ ...entry, source: 'portal' }, { username: credentials.username, secret: credentials.secret, origin: 'prompt' });
    if (previous && previous.slug !== entry.slug) await store.remove(previous.slug);
    this.logger.info(`Saved registry ${entry.slug} (${entry.endpoint}) to the vendor portal.`);
  }

  async remove(entry: RegistryEntry): Promise<void> {
    await (await this.portal.requireStore()).remove(entry.slug);
    this.logger.info(`Removed registry ${entry.slug} from the vendor portal.`);
  }

  /** The server-side test: Replicated pulls the image with the credentials it holds. */
  async test(entry: RegistryEntry, image: string): Promise<PullCheckResult> {
    return (await this.portal.requireStore()).test(entry.slug, image);
  }

  async logs(entry: RegistryEntry): Promise<PullLogEntry[]> {
    return (await this.portal.requireStore()).logs(entry.slug);
  }
}
