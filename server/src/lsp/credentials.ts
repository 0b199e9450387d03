/**
 * Where the server gets a registry's credentials, per user: the client (VS Code answers
 * GetCredentialsRequest from SecretStorage, keyed by slug and endpoint) when it advertised
 * `credentialsProvider`, else — and when the client has none — the local sources (Docker credential
 * store by host, environment by `_HOST`), as the CLI does. Every answer passes the credential gate
 * (registry/credentials/credentialGate.ts): no credentials for an entry with an error, nor for insecure
 * connection options the user has not allowed on this machine. In an untrusted workspace nothing is
 * asked for. Answers are cached per registry until CredentialsChangedNotification; secrets are
 * registered for redaction and never logged.
 */
import type { Connection } from 'vscode-languageserver/node';
import { registerSecret, type Logger } from '../log/logger';
import { AllowInsecureConnectionRequest, GetCredentialsRequest } from '../protocol/messages';
import { ALLOW_INSECURE_VARIABLE, credentialsForEntry, insecureHostList, type CredentialAnswer, type InsecureConsent } from '../registry/credentials/credentialGate';
import { credentialHost } from '../registry/credentials/hostBinding';
import { CredentialsWithheldError } from '../registry/credentials/types';
import type { Credentials, RegistryEntry } from '../registry/types';

/** A local source of credentials (Docker config / helpers, environment). */
export type LocalCredentialLookup = (entry: RegistryEntry) => Promise<Credentials | undefined>;

export interface CredentialBrokerOptions {
  trusted: boolean;
  clientProvidesCredentials: boolean;
  localLookup: LocalCredentialLookup;
  consent: InsecureConsent;
  /** How long to wait for the client to answer before using local sources. */
  clientTimeoutMs?: number;
}

/**
 * The language server's consent to insecure options with credentials: hosts from `initializationOptions.allowInsecure`
 * and REPLICATED_REGISTRIES_ALLOW_INSECURE (both set on this machine, never by a workspace file), and, when the
 * client offers it (`insecureConsentProvider`), the client's answer (VS Code remembers the user's choice per machine).
 */
export function serverInsecureConsent(connection: Connection, logger: Logger, options: { allowInsecure: readonly string[]; env: NodeJS.ProcessEnv; clientAsks: boolean }): InsecureConsent {
  const listed = insecureHostList([...options.allowInsecure, options.env[ALLOW_INSECURE_VARIABLE]]);
  return {
    async allows(host, entry) {
      if (listed.has(host)) return true;
      if (!options.clientAsks) return false;
      try {
        const answer = await connection.sendRequest(AllowInsecureConnectionRequest, {
          slug: entry.slug,
          host,
          plainHttp: entry.plainHttp === true,
          insecureSkipTLSVerify: entry.insecureSkipTLSVerify === true,
        });
        return answer?.allowed === true;
      } catch (err) {
        logger.warn(`the editor failed the insecure-connection consent request for ${host}: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    },
    howToAllow: (host) =>
      options.clientAsks
        ? `If ${host} is yours and you accept that, choose "Allow on This Machine" when the editor asks (it asks once per host)`
        : `If ${host} is yours and you accept that, allow it on this machine: start the language server with ${ALLOW_INSECURE_VARIABLE}=${host}, or pass initializationOptions.allowInsecure: ["${host}"]`,
  };
}

export class CredentialBroker {
  private readonly answers = new Map<string, Promise<CredentialAnswer>>();

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly options: CredentialBrokerOptions,
  ) {}

  /** This user's credentials for `entry` as the gate rules them (`withheld` says why none may be used). Never rejects. */
  answerFor(entry: RegistryEntry): Promise<CredentialAnswer> {
    if (!this.options.trusted) return Promise.resolve({});
    // Everything the gate looks at is in the key: an edit of the entry is a new question.
    const key = JSON.stringify([entry.slug, entry.endpoint, entry.source ?? '', entry.problem ?? '', entry.plainHttp === true, entry.insecureSkipTLSVerify === true]);
    let cached = this.answers.get(key);
    if (!cached) {
      cached = credentialsForEntry(entry, (e) => this.lookup(e), this.options.consent).catch((err: unknown): CredentialAnswer => {
        this.logger.warn(`reading credentials for registry ${entry.slug} failed: ${err instanceof Error ? err.message : String(err)}`);
        return {};
      });
      this.answers.set(key, cached);
    }
    return cached;
  }

  /**
   * The gate for a registry that is not saved yet (the editor's draft, tested with the credentials the
   * user just typed or kept): the same rules, with the given credentials as the only source. Not cached.
   */
  gateGiven(entry: RegistryEntry, credentials: Credentials | undefined): Promise<CredentialAnswer> {
    if (!this.options.trusted) return Promise.resolve({});
    if (credentials) registerSecret(credentials.secret);
    return credentialsForEntry(entry, () => Promise.resolve(credentials), this.options.consent);
  }

  /** The credentials that may be used for `entry`, or undefined. Never rejects. */
  async credentialsFor(entry: RegistryEntry): Promise<Credentials | undefined> {
    return (await this.answerFor(entry)).credentials;
  }

  /** Forget one registry's answer (or every answer when slug is undefined). */
  invalidate(slug?: string): void {
    if (slug === undefined) {
      this.answers.clear();
      return;
    }
    for (const key of [...this.answers.keys()]) if ((JSON.parse(key) as string[])[0] === slug) this.answers.delete(key);
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
      // A withholding (bound to another host) is the gate's answer, not a failure to log.
      if (err instanceof CredentialsWithheldError) throw err;
      this.logger.warn(`reading local credentials for registry ${entry.slug} (${credentialHost(entry.endpoint)}) failed: ${err instanceof Error ? err.message : String(err)}`);
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
