/**
 * The server's registry clients: one `RegistryClient` per distinct network setting (proxy, strict TLS,
 * cache TTL — normally exactly one), and a record of the latest pull check per image and per
 * registry, observed as the rules run, for hovers and ListRegistriesRequest. No rule lives here.
 */
import type { PullChecker } from '../findings/types';
import type { Logger } from '../log/logger';
import { registryHostForReference } from '../registry/endpoints';
import { healthOf, type RegistryHealth } from '../registry/health';
import { RegistryClient } from '../registry/registryClient';
import type { ConnectionSettings, Credentials, ImageTarget, PullCheckResult } from '../registry/types';
import type { ServerSettings } from './settings';

/** The latest pull check for one image. */
export interface RecordedCheck {
  result: PullCheckResult;
  /** Endpoint of the registry it ran against. */
  endpoint: string;
  /** When it finished (ISO). */
  at: string;
}

/** `host/repository:reference` with the host normalized the way references are (`docker.io`). */
export function imageKey(domain: string, repository: string, reference: string): string {
  const separator = reference.includes(':') ? '@' : ':';
  return `${registryHostForReference(domain)}/${repository}${separator}${reference}`;
}

export class RegistryAccess {
  private readonly clients = new Map<string, RegistryClient>();
  private readonly checksByImage = new Map<string, RecordedCheck>();
  private readonly checksByRegistry = new Map<string, RecordedCheck>();
  /** What the latest check of each registry said about the registry itself (reachability, login). */
  private readonly healthByRegistry = new Map<string, RegistryHealth>();

  /**
   * `healthChanged` runs when a registry's health changes state (ok ↔ login failed ↔ unreachable …), so
   * the view, which reads the health only when it refreshes, learns that a background check changed it —
   * e.g. a check that ran between a registry's save and its credentials reaching the server said
   * "unauthorized", and the recheck a moment later said "ok".
   */
  constructor(
    private readonly logger: Logger,
    private readonly healthChanged: () => void = () => undefined,
  ) {}

  /** The client for these settings (created on first need). */
  clientFor(settings: ServerSettings): RegistryClient {
    const proxy = settings.http.proxy;
    const key = JSON.stringify([proxy ?? null, settings.http.proxyStrictSSL, settings.cacheTtlSeconds]);
    let client = this.clients.get(key);
    if (!client) {
      client = new RegistryClient({
        cacheTtlMs: settings.cacheTtlSeconds * 1000,
        logger: this.logger,
        // VS Code's http.proxy applies to both schemes; without it the environment's proxy variables apply.
        ...(proxy ? { proxy: { httpProxy: proxy, httpsProxy: proxy, strictSSL: settings.http.proxyStrictSSL } } : settings.http.proxyStrictSSL ? {} : { proxy: { strictSSL: false } }),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** A PullChecker for the rules that records every verdict it sees. */
  recordingChecker(settings: ServerSettings): PullChecker {
    const client = this.clientFor(settings);
    return {
      checkPull: async (connection, credentials, target, options) => {
        const result = await client.checkPull(connection, credentials, target, options ?? {});
        this.record(connection, target, result, 'background');
        return result;
      },
    };
  }

  /** A check asked for by the user (TestRegistryRequest, pin to digest): fresh unless `useCache`. */
  async checkPull(
    settings: ServerSettings,
    connection: ConnectionSettings,
    credentials: Credentials | undefined,
    target: ImageTarget,
    options: { noCache?: boolean; readPlatforms?: boolean; signal?: AbortSignal } = {},
  ): Promise<PullCheckResult> {
    const result = await this.clientFor(settings).checkPull(connection, credentials, target, options);
    this.record(connection, target, result, 'test');
    return result;
  }

  lastCheckForImage(domain: string, repository: string, reference: string): RecordedCheck | undefined {
    return this.checksByImage.get(imageKey(domain, repository, reference));
  }

  lastCheckForRegistry(endpoint: string): RecordedCheck | undefined {
    return this.checksByRegistry.get(registryHostForReference(endpoint));
  }

  /** The registry's health as the latest check of it (a test or a background check) told it. */
  healthOf(endpoint: string): RegistryHealth | undefined {
    return this.healthByRegistry.get(registryHostForReference(endpoint));
  }

  /** Keeps a test's health that ran outside this record (a draft test of a registry saved since). */
  noteHealth(endpoint: string, health: RegistryHealth): void {
    this.healthByRegistry.set(registryHostForReference(endpoint), health);
  }

  /** Drops cached tokens and results of one registry (or all) in every client. */
  invalidate(endpoint?: string): void {
    for (const client of this.clients.values()) client.invalidate(endpoint);
    if (endpoint === undefined) {
      this.checksByImage.clear();
      this.checksByRegistry.clear();
      this.healthByRegistry.clear();
      return;
    }
    const host = registryHostForReference(endpoint);
    this.checksByRegistry.delete(host);
    this.healthByRegistry.delete(host);
    for (const [key, check] of this.checksByImage) if (registryHostForReference(check.endpoint) === host) this.checksByImage.delete(key);
  }

  async dispose(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }

  private record(connection: ConnectionSettings, target: ImageTarget, result: PullCheckResult, by: RegistryHealth['by']): void {
    // A cancelled check says nothing about the image.
    if (result.verdict === 'timeout' && /cancel/i.test(result.message)) return;
    const recorded: RecordedCheck = { result, endpoint: connection.endpoint, at: result.checkedAt ?? new Date().toISOString() };
    this.checksByImage.set(imageKey(connection.endpoint, target.repository, target.reference), recorded);
    const host = registryHostForReference(connection.endpoint);
    // A check served by the cache or skipped for a rate-limit wait asked the registry nothing new.
    if (result.requests > 0 || by === 'test') {
      const before = this.healthByRegistry.get(host);
      const after = healthOf(result, host, by);
      this.healthByRegistry.set(host, after);
      if (before?.state !== after.state || before.anonymous !== after.anonymous) this.healthChanged();
    }
    // Anonymous checks of public images say nothing about the team's credentials for that registry.
    if (!result.anonymous) this.checksByRegistry.set(registryHostForReference(connection.endpoint), recorded);
  }
}
