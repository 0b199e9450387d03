/**
 * Portal mode of the language server: where the Replicated API token comes from (the editor's
 * "Connect Vendor Portal", answered through GetPortalConnectionRequest, else REPLICATED_API_TOKEN in
 * the server's environment for the CLI and other editors), and the merge of the vendor portal's
 * registries and custom domains into each folder's registries-file configuration. The merge itself
 * is the engine's (loadEffectiveRegistries); this module only decides when to ask and caches.
 */
import type { Connection } from 'vscode-languageserver/node';
import { registerSecret, type Logger } from '../log/logger';
import { GetPortalConnectionRequest, type PortalConnection } from '../protocol/messages';
import { normalizeHost } from '../reference/proxy';
import { loadEffectiveRegistries } from '../store/effectiveRegistries';
import { PortalRegistryStore } from '../store/portal/portalStore';
import type { RegistriesConfig } from '../store/types';

/** Default Vendor API origin (DESIGN.md), used when REPLICATED_API_ORIGIN is not set. */
export const DEFAULT_VENDOR_API_ORIGIN = 'https://api.replicated.com/vendor';
/** The portal is asked again at most this often on its own (besides explicit refresh triggers). */
export const PORTAL_REFRESH_INTERVAL_MS = 5 * 60_000;
/** Per Vendor API call: the first diagnostics wait for the portal, so a black-holed one must not hold them long. */
const PORTAL_CALL_TIMEOUT_MS = 8_000;
/** How long to wait for the editor to answer GetPortalConnectionRequest. */
const CLIENT_ANSWER_TIMEOUT_MS = 10_000;

/** A folder's configuration once the portal is merged in. */
export interface PortalMergeResult {
  config: RegistriesConfig;
  warnings: string[];
  /** The custom proxy hostname the portal marks `is_default` for the app, when there is one. */
  defaultCustomProxyDomain?: string;
}

/** Turns a folder's registries-file configuration into the configuration the rules see. */
export type PortalMerge = (workspaceConfig: RegistriesConfig) => Promise<PortalMergeResult>;

export interface PortalOptions {
  trusted: boolean;
  /** The client answers GetPortalConnectionRequest (initializationOptions `portalProvider`). */
  clientProvidesPortal: boolean;
  /** The server's environment (REPLICATED_API_TOKEN, REPLICATED_API_ORIGIN, REPLICATED_APP). */
  environment: NodeJS.ProcessEnv;
}

/** Where the connection came from, for log lines (never the token). */
type ConnectionOrigin = 'editor' | 'environment';

function isPortalConnection(value: unknown): value is PortalConnection {
  const v = value as Partial<PortalConnection> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.token === 'string' && v.token.trim() !== '' && typeof v.origin === 'string';
}

export class PortalConnector {
  private store: PortalRegistryStore | undefined;
  private storeKey: string | undefined;
  private app: string | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly options: PortalOptions,
  ) {}

  /** Whether a portal is connected (after the latest `connect()`). */
  get connected(): boolean {
    return this.store !== undefined;
  }

  /** The connected portal's store (the editor's management requests use it), or undefined. */
  get currentStore(): PortalRegistryStore | undefined {
    return this.store;
  }

  /**
   * Asks the editor (when it offers it), else reads the environment, and keeps a store for the
   * answer. Returns the merge to apply, or undefined when there is no portal. Never rejects.
   */
  async connect(): Promise<PortalMerge | undefined> {
    const found = this.options.trusted ? await this.findConnection() : undefined;
    if (!found) {
      if (this.store) this.logger.info('vendor portal: disconnected; validating against the registries file only');
      this.store = undefined;
      this.storeKey = undefined;
      this.app = undefined;
      return undefined;
    }
    const { connection, origin } = found;
    registerSecret(connection.token);
    const key = `${connection.origin}\u0000${connection.token}`;
    if (!this.store || this.storeKey !== key) {
      try {
        this.store = new PortalRegistryStore({ token: connection.token, origin: connection.origin, logger: this.logger, maxAttempts: 2, timeoutMs: PORTAL_CALL_TIMEOUT_MS });
        this.storeKey = key;
        this.logger.info(`vendor portal: connected (${origin === 'editor' ? 'from the editor' : 'from REPLICATED_API_TOKEN'}, ${connection.origin})`);
      } catch (err) {
        this.logger.warn(`vendor portal: not used: ${err instanceof Error ? err.message : String(err)}`);
        this.store = undefined;
        this.storeKey = undefined;
        return undefined;
      }
    }
    this.app = connection.app?.trim() || undefined;
    const store = this.store;
    const app = this.app;
    return (workspaceConfig) => mergeWithPortal(store, workspaceConfig, app);
  }

  private async findConnection(): Promise<{ connection: PortalConnection; origin: ConnectionOrigin } | undefined> {
    if (this.options.clientProvidesPortal) {
      const answer = await this.askClient();
      if (answer) return { connection: answer, origin: 'editor' };
    }
    const env = this.options.environment;
    const token = env.REPLICATED_API_TOKEN?.trim();
    if (!token) return undefined;
    const app = env.REPLICATED_APP?.trim();
    return {
      connection: { token, origin: env.REPLICATED_API_ORIGIN?.trim() || DEFAULT_VENDOR_API_ORIGIN, ...(app ? { app } : {}) },
      origin: 'environment',
    };
  }

  private async askClient(): Promise<PortalConnection | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.connection.sendRequest(GetPortalConnectionRequest, {}),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), CLIENT_ANSWER_TIMEOUT_MS);
        }),
      ]);
      if (answer === 'timeout') {
        this.logger.warn(`the editor did not answer the vendor-portal connection request within ${CLIENT_ANSWER_TIMEOUT_MS} ms; using REPLICATED_API_TOKEN if set`);
        return undefined;
      }
      return isPortalConnection(answer) ? answer : undefined;
    } catch (err) {
      this.logger.warn(`the editor failed the vendor-portal connection request (${err instanceof Error ? err.message : String(err)}); using REPLICATED_API_TOKEN if set`);
      return undefined;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** The engine's union, plus the app's default custom proxy hostname (for the proxy-domain quick fix). */
async function mergeWithPortal(store: PortalRegistryStore, workspaceConfig: RegistriesConfig, app: string | undefined): Promise<PortalMergeResult> {
  const effective = await loadEffectiveRegistries({ workspaceConfig, portal: store, ...(app ? { app } : {}) });
  const result: PortalMergeResult = { config: effective.config, warnings: effective.warnings };
  const appSlug = effective.config.app;
  // The union keeps hostnames only; which one is the default is asked for separately, and only when
  // the portal contributed custom proxy hostnames (so it answered: no second warning when it is down).
  const fromFile = new Set(workspaceConfig.customDomains.proxy.map(normalizeHost));
  const fromPortal = effective.config.customDomains.proxy.filter((h) => !fromFile.has(normalizeHost(h)));
  if (appSlug && fromPortal.length > 0) {
    try {
      const appId = await store.api.resolveAppId(appSlug);
      const hostnames = appId ? await store.api.customHostnames(appId) : undefined;
      const preferred = hostnames?.proxy.find((h) => h.is_default === true)?.hostname;
      if (preferred) result.defaultCustomProxyDomain = preferred;
    } catch {
      // Only the "rewrite to the custom domain" quick fix depends on it; the union is complete without it.
    }
  }
  return result;
}
