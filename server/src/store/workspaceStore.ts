/**
 * The workspace backend: the team's registries in `.replicated-registries.yaml` (metadata only;
 * secrets stay with the caller's credential sources), tested with the registry client.
 */
import { chmodSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readRegularFileSync } from '../limits/boundedFiles';
import { INPUT_LIMITS } from '../limits/inputLimits';
import { silentLogger, type Logger } from '../log/logger';
import { credentialsForEntry, type InsecureConsent } from '../registry/credentials/credentialGate';
import type { CredentialSource } from '../registry/credentials/types';
import { resolveTestImage } from '../registry/endpoints';
import type { Credentials, PullChecker, PullCheckResult, RegistryEntry, Verdict } from '../registry/types';
import { removeRegistry, upsertRegistry } from './registriesFile/edit';
import { RegistriesEditError, RegistriesFileError, RegistryNotFoundError } from './registriesFile/errors';
import { loadRegistriesFile, parseRegistriesFile } from './registriesFile/parse';
import type { RegistryStore } from './types';

/** What the store needs from the registry client (RegistryClient satisfies it). */
export type { PullChecker } from '../registry/types';

export interface WorkspaceRegistryStoreOptions {
  /** The registries file (need not exist yet: `add` creates it). */
  filePath: string;
  /** Where `test` gets credentials (a chain: SecretStorage / Docker credential store / environment). */
  credentials: CredentialSource;
  /** Whether `test` may use credentials with the file's insecure options (default: for no host). */
  consent?: InsecureConsent;
  /** The registry client for `verify` and `test`; without one, the store makes its own on first need (and closes it). */
  client?: PullChecker;
  logger?: Logger;
}

const NO_INSECURE_CONSENT: InsecureConsent = { allows: () => false, howToAllow: (host) => `Allow it for ${host} on this machine to use them` };

/** The header a new registries file starts with. */
export const NEW_FILE_HEADER = `# Replicated external registries: the registries the Replicated proxy pulls this application's
# private images from. Commit this file so the whole team shares one list.
# It never holds a secret: passwords, tokens and keys stay in each person's credential store
# (VS Code SecretStorage, the Docker credential store, or REPLICATED_REGISTRIES_<SLUG>_HOST /
# _USERNAME / _PASSWORD environment variables), each bound to the registry host it was given for.
# Manage it with \`replicated-registries registry add|ls|rm|test\` or the Registries view.
registries: []
`;

/**
 * Without an image to test, `add` proves the credentials with a probe: ping, token for a probe
 * repository, HEAD. A registry that accepts the login answers "not found" or "denied" for the probe
 * repository; one that rejects it answers "unauthorized".
 */
export const CREDENTIAL_PROBE_TARGET = { repository: 'replicated-registries/credential-probe', reference: 'latest' } as const;
const PROBE_ACCEPTED: ReadonlySet<Verdict> = new Set<Verdict>(['ok', 'tag-not-found', 'repository-not-found', 'denied']);

export interface AccessVerification {
  passed: boolean;
  /** True when no image was given and only the login was checked. */
  probe: boolean;
  result: PullCheckResult;
  /** One line on what was proven (or not). */
  summary: string;
}

function withoutFinalPeriod(message: string): string {
  return message.replace(/\.\s*$/, '');
}

/** `add` refused to save a registry because its credentials failed the check. */
export class RegistryValidationError extends Error {
  constructor(readonly verification: AccessVerification) {
    super(`${verification.summary}; nothing was saved (fix what the check reports, or pass --skip-validation to save anyway)`);
    this.name = 'RegistryValidationError';
  }
}

/** The test image cannot be resolved against the registry (a usage problem, not a failed check). */
export class TestImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestImageError';
  }
}

export class WorkspaceRegistryStore implements RegistryStore {
  readonly kind = 'workspace' as const;
  readonly filePath: string;
  private readonly credentials: CredentialSource;
  private readonly consent: InsecureConsent;
  private client: Promise<PullChecker & { close?(): Promise<void> }> | undefined;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;

  constructor(options: WorkspaceRegistryStoreOptions) {
    this.filePath = path.resolve(options.filePath);
    this.credentials = options.credentials;
    this.consent = options.consent ?? NO_INSECURE_CONSENT;
    this.client = options.client ? Promise.resolve(options.client) : undefined;
    this.ownsClient = options.client === undefined;
    this.logger = options.logger ?? silentLogger;
  }

  /** The registry client: loaded on first need, so listing and removing never pay for the HTTP stack. */
  pullChecker(): Promise<PullChecker> {
    this.client ??= import('../registry/registryClient').then(({ RegistryClient }) => new RegistryClient({ cacheTtlMs: 0, logger: this.logger }));
    return this.client;
  }

  /** Releases the client this store made (connections, caches). */
  async close(): Promise<void> {
    if (this.ownsClient && this.client) await (await this.client).close?.();
    this.client = undefined;
  }

  /** The entries in the file; none when the file does not exist. Throws RegistriesFileError for a broken file. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a broken file rejects instead of throwing synchronously
  async list(): Promise<RegistryEntry[]> {
    return this.loadIfPresent()?.config.registries ?? [];
  }

  /** The entry named by slug, or else by endpoint. Throws RegistryNotFoundError. */
  async find(nameOrEndpoint: string): Promise<RegistryEntry> {
    const entries = await this.list();
    const bySlug = entries.find((e) => e.slug === nameOrEndpoint);
    if (bySlug) return bySlug;
    const byEndpoint = entries.filter((e) => e.endpoint === nameOrEndpoint);
    if (byEndpoint.length > 1) {
      throw new RegistriesEditError(`"${nameOrEndpoint}" is the endpoint of ${byEndpoint.length} registries (${byEndpoint.map((e) => e.slug).join(', ')}); name one by its slug`);
    }
    const only = byEndpoint[0];
    if (!only) throw new RegistryNotFoundError(nameOrEndpoint, entries.map((e) => e.slug));
    return only;
  }

  /**
   * Proves credentials before saving: with an image, that they can pull it; without, that the
   * registry accepts the login (probe). Never throws for a failed check: see `passed`.
   */
  async verify(entry: RegistryEntry, credentials: Credentials | undefined, image?: string): Promise<AccessVerification> {
    if (image !== undefined) {
      const target = resolveTestImage(entry, image);
      if ('error' in target) throw new TestImageError(target.error);
      const result = await (await this.pullChecker()).checkPull(entry, credentials, target, { noCache: true });
      const passed = result.verdict === 'ok';
      return { passed, probe: false, result, summary: passed ? `the credentials can pull ${result.image}` : `the check of ${result.image} failed (${result.verdict}): ${withoutFinalPeriod(result.message)}` };
    }
    const result = await (await this.pullChecker()).checkPull(entry, credentials, CREDENTIAL_PROBE_TARGET, { noCache: true });
    const passed = PROBE_ACCEPTED.has(result.verdict);
    return {
      passed,
      probe: true,
      result,
      summary: passed
        ? `${entry.endpoint} accepted the login (pull access to a particular image was not checked)`
        : result.verdict === 'unauthorized'
          ? `${entry.endpoint} rejected the login: ${withoutFinalPeriod(result.message)}`
          : `the login to ${entry.endpoint} could not be checked (${result.verdict}): ${withoutFinalPeriod(result.message)}`,
    };
  }

  /** Adds or replaces (same slug) an entry; metadata only. Checks the credentials first unless told not to. */
  async add(entry: RegistryEntry, credentials: Credentials | undefined, options: { skipValidation?: boolean; image?: string } = {}): Promise<RegistryEntry> {
    if (!options.skipValidation) {
      const verification = await this.verify(entry, credentials, options.image);
      if (!verification.passed) throw new RegistryValidationError(verification);
    }
    const current = this.loadIfPresent();
    const text = current?.text ?? NEW_FILE_HEADER;
    const updated = upsertRegistry(text, entry, { filePath: this.filePath });
    this.writeAtomically(updated);
    const saved = parseRegistriesFile(updated, this.filePath).config.registries.find((e) => e.slug === (entry.slug || entry.endpoint));
    this.logger.info(`saved registry ${entry.slug || entry.endpoint} to ${this.filePath}`);
    return saved ?? entry;
  }

  async remove(nameOrEndpoint: string): Promise<RegistryEntry> {
    const current = this.loadIfPresent();
    if (!current) throw new RegistryNotFoundError(nameOrEndpoint, []);
    const entry = await this.find(nameOrEndpoint);
    const updated = removeRegistry(current.text, entry.slug);
    this.writeAtomically(updated);
    this.logger.info(`removed registry ${entry.slug} from ${this.filePath}`);
    return entry;
  }

  async test(nameOrEndpoint: string, image: string): Promise<PullCheckResult> {
    return (await this.testWithDetails(nameOrEndpoint, image)).result;
  }

  /**
   * Like `test`, and also says which credential source answered ('none': the check ran anonymously) and,
   * when the credential gate refused the credentials (bound to another host, insecure options not allowed),
   * why (`withheld`; the check then ran anonymously too).
   */
  async testWithDetails(
    nameOrEndpoint: string,
    image: string,
  ): Promise<{ entry: RegistryEntry; result: PullCheckResult; credentialOrigin: Credentials['origin'] | 'none'; withheld?: string }> {
    const entry = await this.find(nameOrEndpoint);
    const target = resolveTestImage(entry, image);
    if ('error' in target) throw new TestImageError(target.error);
    const { credentials, withheld } = await credentialsForEntry(entry, (e) => this.credentials.get(e), this.consent);
    const result = await (await this.pullChecker()).checkPull(entry, credentials, target, { noCache: true });
    return { entry, result, credentialOrigin: credentials ? (credentials.origin ?? undefined) : 'none', ...(withheld !== undefined ? { withheld } : {}) };
  }

  private loadIfPresent(): { text: string; config: ReturnType<typeof loadRegistriesFile>['config'] } | undefined {
    try {
      statSync(this.filePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new RegistriesFileError(this.filePath, [
        { message: `cannot read the registries file (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`, severity: 'error', start: 0, end: 0, line: 1, column: 1, code: 'io' },
      ]);
    }
    return loadRegistriesFile(this.filePath);
  }

  /** Temp file in the same folder + rename, so a crash never leaves half a file; keeps the file's mode. */
  private writeAtomically(text: string): void {
    let mode = 0o644;
    try {
      mode = statSync(this.filePath).mode & 0o7777;
    } catch {
      // A new file: default mode.
    }
    const temp = path.join(path.dirname(this.filePath), `.${path.basename(this.filePath)}.${process.pid}.${Date.now()}.tmp`);
    try {
      writeFileSync(temp, text, { mode });
      chmodSync(temp, mode);
      renameSync(temp, this.filePath);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // Nothing to clean up.
      }
      throw new RegistriesFileError(this.filePath, [
        { message: `cannot write the registries file (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the folder's permissions`, severity: 'error', start: 0, end: 0, line: 1, column: 1, code: 'io' },
      ]);
    }
  }

  /** The current text of the file, for callers that show it. */
  readText(): string | undefined {
    try {
      return readRegularFileSync(this.filePath, INPUT_LIMITS.registriesFileBytes).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
