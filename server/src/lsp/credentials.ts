/**
 * Where the server gets a registry's credentials, per user: the client (VS Code answers
 * GetCredentialsRequest from SecretStorage) when it advertised `credentialsProvider`, else — and when
 * the client has none — the local sources (Docker credential store, environment), as the CLI does.
 * In an untrusted workspace nothing is asked for. Answers are cached per registry slug until
 * CredentialsChangedNotification; secrets are registered for redaction and never logged.
 */
import type { Connection } from 'vscode-languageserver/node';
import { registerSecret, type Logger } from '../log/logger';
import { GetCredentialsRequest } from '../protocol/messages';
import type { Credentials, RegistryEntry } from '../registry/types';

/** A local source of credentials (Docker config / helpers, environment). */
export type LocalCredentialLookup = (entry: RegistryEntry) => Promise<Credentials | undefined>;

export interface CredentialBrokerOptions {
  trusted: boolean;
  clientProvidesCredentials: boolean;
  localLookup: LocalCredentialLookup;
  /** How long to wait for the client to answer before using local sources. */
  clientTimeoutMs?: number;
}

export class CredentialBroker {
  private readonly bySlug = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly options: CredentialBrokerOptions,
  ) {}

  /** This user's credentials for `entry`, or undefined. Never rejects. */
  credentialsFor(entry: RegistryEntry): Promise<Credentials | undefined> {
    if (!this.options.trusted) return Promise.resolve(undefined);
    const key = `${entry.slug}\u0000${entry.endpoint}`;
    let cached = this.bySlug.get(key);
    if (!cached) {
      cached = this.lookup(entry);
      this.bySlug.set(key, cached);
    }
    return cached;
  }

  /** Whether credentials were found, without asking anyone again when already known. */
  async hasCredentials(entry: RegistryEntry): Promise<boolean> {
    return (await this.credentialsFor(entry)) !== undefined;
  }

  /** Forget one registry's answer (or every answer when slug is undefined). */
  invalidate(slug?: string): void {
    if (slug === undefined) {
      this.bySlug.clear();
      return;
    }
    for (const key of [...this.bySlug.keys()]) if (key.startsWith(`${slug}\u0000`)) this.bySlug.delete(key);
  }

  private async lookup(entry: RegistryEntry): Promise<Credentials | undefined> {
    if (this.options.clientProvidesCredentials) {
      const fromClient = await this.askClient(entry);
      if (fromClient) return fromClient;
    }
    try {
      const local = await this.options.localLookup(entry);
      if (local) registerSecret(local.secret);
      return local;
    } catch (err) {
      this.logger.warn(`reading local credentials for registry ${entry.slug} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async askClient(entry: RegistryEntry): Promise<Credentials | undefined> {
    const timeoutMs = this.options.clientTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.connection.sendRequest(GetCredentialsRequest, { slug: entry.slug, endpoint: entry.endpoint }),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        }),
      ]);
      if (answer === 'timeout') {
        this.logger.warn(`the editor did not answer the credentials request for registry ${entry.slug} within ${timeoutMs} ms; using local credentials`);
        return undefined;
      }
      if (!answer || typeof answer.username !== 'string' || typeof answer.secret !== 'string') return undefined;
      registerSecret(answer.secret);
      return { username: answer.username, secret: answer.secret, origin: 'secret-storage' };
    } catch (err) {
      this.logger.warn(`the editor failed the credentials request for registry ${entry.slug}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
