/**
 * A small client for the Replicated Vendor API v3 external-registry calls, request for request what the
 * `replicated` CLI sends (replicatedhq/replicated: pkg/kotsclient/registry_*.go, its pact contract
 * pacts/replicated-cli-vendor-api.json, and pkg/kotsclient/custom_hostname.go).
 *
 * What the hosted API matches on (written down for issue 11; the stand-in enforces it):
 * - `PUT /v3/external_registry/test` body `{endpoint, image}` and `GET /v3/external_registry/logs?endpoint=`
 *   take the registry's ENDPOINT (hostname). The field and query are named `endpoint`, the CLI's
 *   parameter is `hostname` (TestKOTSRegistry(hostname, image), LogsRegistry(hostname)), and the docs
 *   write `replicated registry test HOSTNAME` "such as index.docker.io". A slug that is not also the
 *   endpoint is not documented to match, so we never send one: for a registry named by its slug we send
 *   its endpoint. The pact file has no interaction for test or logs, so this rests on the docs and names.
 * - `DELETE /v3/external_registry/{name}` takes the registry's slug ("remove registry by name"; the
 *   pact's only case deletes `index.docker.io`, the slug the API gave a registry added without one).
 * - Every request carries `Authorization: <token>` (raw) and `Content-Type: application/json`, GET and
 *   DELETE included, as the pact records them.
 *
 * The API token is sent raw in `Authorization` (no "Bearer"), never logged and never put in an
 * error message. Only idempotent calls (GET, PUT test, DELETE) are retried, with backoff.
 */
import type { Logger } from '../../log/logger';
import { redact, registerSecret, silentLogger } from '../../log/logger';

export const DEFAULT_API_ORIGIN = 'https://api.replicated.com/vendor';

export interface VendorApiOptions {
  token: string;
  /** `REPLICATED_API_ORIGIN`; default https://api.replicated.com/vendor. */
  origin?: string;
  logger?: Logger;
  /** Attempts for idempotent calls (default 3). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 300); doubles each retry; Retry-After wins when present. */
  backoffMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** A Vendor API failure turned into plain words, with what to do next. */
export class VendorApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly hint: string,
    readonly code?: string,
  ) {
    super(`${message} ${hint}`.trim());
    this.name = 'VendorApiError';
  }
}

export interface VendorRegistry {
  provider: string;
  endpoint: string;
  slug: string;
  authType: string;
  username?: string;
  appIds?: string[] | null;
  lastUsedAt?: string | null;
}

export interface VendorPullLog {
  createdAt: string;
  action: string;
  statusCode: number | null;
  isSuccess: boolean;
  image: string | null;
}

/** `GET /v3/app/{appId}/default-hostnames`: one hostname per kind (strings, unlike the custom ones). */
export interface VendorDefaultHostnames {
  registry?: string;
  proxy?: string;
  downloadPortal?: string;
  replicatedApp?: string;
}

export interface VendorHostnames {
  registry: Array<{ hostname: string; is_default?: boolean }>;
  proxy: Array<{ hostname: string; is_default?: boolean }>;
  downloadPortal?: Array<{ hostname: string; is_default?: boolean }>;
  replicatedApp?: Array<{ hostname: string; is_default?: boolean }>;
}

export interface AddRegistryBody {
  provider: string;
  endpoint: string;
  slug: string;
  authType: string;
  username: string;
  password: string;
  appIds?: string[];
  skipValidation: boolean;
  /**
   * Duplicating a registry (the vendor portal's "Duplicate", per the Vendor API reference): the new
   * registry takes the password saved for `originalSlug`, so the secret never leaves Replicated.
   */
  copyPassword?: boolean;
  originalSlug?: string;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

export class VendorApiClient {
  private readonly origin: string;
  private readonly logger: Logger;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: VendorApiOptions) {
    if (!options.token.trim()) throw new VendorApiError('No Replicated API token.', undefined, 'Set REPLICATED_API_TOKEN or pipe the token to --api-token-stdin.');
    registerSecret(options.token);
    this.origin = (options.origin ?? DEFAULT_API_ORIGIN).replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  async listRegistries(): Promise<VendorRegistry[]> {
    const body = await this.call<{ external_registries: VendorRegistry[] | null }>('GET', '/v3/external_registries', 200);
    // The API answers `null` rather than `[]` when the team has none.
    return body.external_registries ?? [];
  }

  async addRegistry(registry: AddRegistryBody): Promise<VendorRegistry> {
    if (registry.password) registerSecret(registry.password);
    const body = await this.call<{ external_registry: VendorRegistry }>('POST', '/v3/external_registry', 201, registry);
    return body.external_registry;
  }

  async removeRegistry(nameOrEndpoint: string): Promise<void> {
    await this.call('DELETE', `/v3/external_registry/${encodeURIComponent(nameOrEndpoint)}`, 204);
  }

  /** Server-side test of the registry at `endpoint` (its hostname, not its slug); answers the upstream HTTP status the portal saw. */
  async testRegistry(endpoint: string, image: string): Promise<number> {
    const body = await this.call<{ status: number }>('PUT', '/v3/external_registry/test', 200, { endpoint, image });
    return body.status;
  }

  /** The pull logs of the registry at `endpoint` (its hostname, not its slug). */
  async pullLogs(endpoint: string): Promise<VendorPullLog[]> {
    const body = await this.call<{ logs: VendorPullLog[] | null }>('GET', `/v3/external_registry/logs?endpoint=${encodeURIComponent(endpoint)}`, 200);
    return body.logs ?? [];
  }

  /** Resolves an app slug (or id) to its id through `GET /v3/apps`. */
  async resolveAppId(appSlugOrId: string): Promise<string | undefined> {
    const body = await this.call<{ apps: Array<{ id: string; slug: string; name?: string }> | null }>(
      'GET',
      '/v3/apps?excludeChannels=true',
      200,
    );
    const app = (body.apps ?? []).find((a) => a.slug === appSlugOrId || a.id === appSlugOrId);
    return app?.id;
  }

  async customHostnames(appId: string): Promise<VendorHostnames> {
    const body = await this.call<Partial<VendorHostnames> | null>('GET', `/v3/app/${encodeURIComponent(appId)}/custom-hostnames`, 200);
    return { registry: body?.registry ?? [], proxy: body?.proxy ?? [], downloadPortal: body?.downloadPortal ?? [], replicatedApp: body?.replicatedApp ?? [] };
  }

  /** The app's Replicated hostnames (proxy.replicated.com, registry.replicated.com or their replacements). */
  async defaultHostnames(appId: string): Promise<VendorDefaultHostnames> {
    const body = await this.call<VendorDefaultHostnames | null>('GET', `/v3/app/${encodeURIComponent(appId)}/default-hostnames`, 200);
    return body ?? {};
  }

  private async call<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
    const attempts = IDEMPOTENT.has(method) ? Math.max(1, this.options.maxAttempts ?? 3) : 1;
    let delay = this.options.backoffMs ?? 300;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.origin}${path}`, {
          method,
          headers: {
            Authorization: this.options.token,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'User-Agent': 'replicated-registries',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (err) {
        const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        this.logger.warn(redact(`vendor api ${method} ${path}: ${reason} (attempt ${attempt}/${attempts})`));
        if (attempt < attempts) {
          await wait(delay);
          delay *= 2;
          continue;
        }
        throw new VendorApiError(
          `Could not reach the Replicated Vendor API at ${this.origin} (${reason}).`,
          undefined,
          'Check your network or proxy, or REPLICATED_API_ORIGIN.',
        );
      }
      const text = await readLimited(response, 4 * 1024 * 1024);
      this.logger.debug(`vendor api ${method} ${path} → ${response.status} in ${Date.now() - started} ms`);
      if (response.status === expected) {
        if (!text) return undefined as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new VendorApiError(`The Vendor API answered ${method} ${path} with something that is not JSON.`, response.status, 'Check REPLICATED_API_ORIGIN points at the Vendor API.');
        }
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < attempts) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await wait(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : delay);
        delay *= 2;
        continue;
      }
      throw describeFailure(method, path, response.status, text);
    }
  }
}

/** Turns an error status and body into a VendorApiError with plain words and a next step. */
function describeFailure(method: string, path: string, status: number, text: string): VendorApiError {
  let apiMessage: string | undefined;
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error_code?: unknown; error?: { code?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error === 'object') {
      apiMessage = typeof parsed.error.message === 'string' ? parsed.error.message : undefined;
      code = typeof parsed.error.code === 'string' ? parsed.error.code : undefined;
    }
    apiMessage ??= typeof parsed.message === 'string' ? parsed.message : undefined;
    code ??= typeof parsed.error_code === 'string' ? parsed.error_code : undefined;
  } catch {
    // Not JSON: fall back to the status alone.
  }
  const said = apiMessage ? `: ${redact(apiMessage)}` : '';
  switch (true) {
    case status === 401:
      return new VendorApiError(`The Replicated API token was rejected (401)${said}.`, status, 'Create a new API token in the vendor portal and set REPLICATED_API_TOKEN (or reconnect the vendor portal in VS Code).', code);
    case status === 403:
      return new VendorApiError(`The API token is not allowed to ${describeCall(method, path)} (403${code ? ` ${code}` : ''})${said}.`, status, 'Use a token whose role (RBAC policy) allows managing external registries.', code);
    case status === 404:
      return new VendorApiError(`Not found (404) while trying to ${describeCall(method, path)}${said}.`, status, 'Check the registry name with `registry ls`.', code);
    case status === 400 || status === 422:
      return new VendorApiError(`The Vendor API refused to ${describeCall(method, path)} (${status})${said}.`, status, 'Check the values you gave.', code);
    case status === 429:
      return new VendorApiError(`The Vendor API is rate-limiting requests (429)${said}.`, status, 'Wait a minute and try again.', code);
    case status >= 500:
      return new VendorApiError(`The Vendor API failed to ${describeCall(method, path)} (HTTP ${status})${said}.`, status, 'This is on Replicated\'s side; try again later.', code);
    default:
      return new VendorApiError(`Unexpected HTTP ${status} from the Vendor API while trying to ${describeCall(method, path)}${said}.`, status, 'Try again; if it persists, check REPLICATED_API_ORIGIN.', code);
  }
}

function describeCall(method: string, path: string): string {
  if (path.startsWith('/v3/external_registries')) return 'list external registries';
  if (path.startsWith('/v3/external_registry/test')) return 'test an external registry';
  if (path.startsWith('/v3/external_registry/logs')) return 'read pull logs';
  if (path.startsWith('/v3/external_registry/') && method === 'DELETE') return 'remove an external registry';
  if (path === '/v3/external_registry') return 'add an external registry';
  if (path.includes('custom-hostnames')) return 'read custom domains';
  if (path.includes('default-hostnames')) return 'read default domains';
  if (path.startsWith('/v3/apps')) return 'list apps';
  return `${method} ${path}`;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  const buf = await response.arrayBuffer();
  if (buf.byteLength > limit) throw new VendorApiError('The Vendor API answer was too large.', response.status, 'Check REPLICATED_API_ORIGIN.');
  return new TextDecoder().decode(buf);
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
