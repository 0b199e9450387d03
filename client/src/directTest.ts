/**
 * Pull checks run in the extension host with the engine's RegistryClient, for what the language
 * server cannot test: a registry that is not saved yet (the add flow tests before it writes), or
 * when the server failed to start. Loaded on first use; one client per extension lifetime so its
 * token cache and connection pool are reused.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RegistryClient } from '../../server/src/registry/registryClient';
import { loadClientEngine } from './engine/loadClientEngine';
import type { Credentials, PullCheckResult, RegistryEntry } from '../../server/src/registry/types';
import { registerSecret } from '../../server/src/log/logger';
import type { ClientLogger } from './log';

export class DirectRegistryTester implements vscode.Disposable {
  private client: Promise<RegistryClient> | undefined;

  constructor(private readonly logger: ClientLogger) {}

  /**
   * Checks that `credentials` (undefined = anonymous) can pull `image` (relative to the registry or a
   * full reference on it). `registriesFile` resolves a relative `caFile`.
   */
  async test(entry: RegistryEntry, credentials: Credentials | undefined, image: string, registriesFile?: vscode.Uri): Promise<PullCheckResult> {
    if (entry.problem !== undefined) {
      // An entry with an error in the registries file is never used to send credentials (nor tested).
      return { verdict: 'protocol-error', image, message: `Registry "${entry.slug}" has an error in the registries file: ${entry.problem}`, hint: 'Fix it in the registries file (the editor underlines it), then test again.', requests: 0, durationMs: 0 };
    }
    const { resolveTestImage } = loadClientEngine();
    const target = resolveTestImage(entry, image);
    if ('error' in target) {
      return { verdict: 'protocol-error', image, message: target.error, hint: 'Give the image relative to the registry, e.g. my-company/my-image:1.0.', requests: 0, durationMs: 0 };
    }
    if (credentials) registerSecret(credentials.secret);
    const connection = { ...entry };
    if (entry.caFile && !path.isAbsolute(entry.caFile) && registriesFile) {
      connection.caFile = path.resolve(path.dirname(registriesFile.fsPath), entry.caFile);
    }
    const client = await this.registryClient();
    const result = await client.checkPull(connection, credentials, target, { noCache: true });
    this.logger.info(`Test of ${result.image} on ${entry.slug}: ${result.verdict} (${result.message}) in ${result.durationMs} ms, ${result.requests} request(s).`);
    return { ...result, checkedAt: result.checkedAt ?? new Date().toISOString() };
  }

  private registryClient(): Promise<RegistryClient> {
    this.client ??= Promise.resolve().then(() => {
      const { RegistryClient } = loadClientEngine();
      const http = vscode.workspace.getConfiguration('http');
      const proxy = http.get<string>('proxy')?.trim();
      const strictSSL = http.get<boolean>('proxyStrictSSL', true);
      return new RegistryClient({
        logger: this.logger,
        cacheTtlMs: 0,
        ...(proxy ? { proxy: { httpProxy: proxy, httpsProxy: proxy, strictSSL } } : {}),
      });
    });
    return this.client;
  }

  dispose(): void {
    void this.client?.then((client) => client.close());
    this.client = undefined;
  }
}
