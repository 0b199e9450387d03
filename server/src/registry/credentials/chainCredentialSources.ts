import { silentLogger, type Logger } from '../../log/logger';
import type { Credentials } from '../types';
import { CredentialSourceError, CredentialsWithheldError, type CredentialLookup, type CredentialSource } from './types';

export interface CredentialChain extends CredentialSource {
  readonly sources: readonly CredentialSource[];
}

/**
 * Asks each source in turn; the first that has credentials wins (the extension puts SecretStorage
 * first). A broken source does not hide the ones after it: its error is logged, and thrown only
 * when no later source had credentials either, so the user learns why nothing was found. A source
 * that withholds its credentials (bound to another host) does not hide later ones either; when none
 * has any, the withholding is what is thrown, since it says exactly what to change.
 */
export function chainCredentialSources(sources: readonly CredentialSource[], logger: Logger = silentLogger): CredentialChain {
  return {
    name: sources.map((s) => s.name).join(' → '),
    sources,
    async get(entry: CredentialLookup): Promise<Credentials | undefined> {
      const failures: string[] = [];
      let withheld: CredentialsWithheldError | undefined;
      for (const source of sources) {
        try {
          const found = await source.get(entry);
          if (found) return found;
        } catch (err) {
          if (err instanceof CredentialsWithheldError) {
            withheld ??= err;
            continue;
          }
          const message = err instanceof Error ? err.message : String(err);
          logger.warn(`credential source ${source.name} failed for ${entry.slug}: ${message}`);
          failures.push(`${source.name}: ${message}`);
        }
      }
      if (withheld) throw withheld;
      if (failures.length > 0) throw new CredentialSourceError('chain', `no credentials found for "${entry.slug}", and ${failures.join('; ')}`);
      return undefined;
    },
  };
}
