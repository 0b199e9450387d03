/**
 * Credentials from environment variables, for CI: per registry,
 * `REPLICATED_REGISTRIES_<SLUG>_USERNAME` and `REPLICATED_REGISTRIES_<SLUG>_PASSWORD`, where <SLUG>
 * is the registry's slug upper-cased with every character other than A-Z and 0-9 turned into `_`
 * (`acme-ghcr` → `REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD`). PASSWORD holds whatever the auth type
 * needs: password, token, AWS secret access key, or the service-account JSON key.
 * USERNAME may be left out when the registry entry has a username or the provider fixes it.
 */
import { registerSecret } from '../../log/logger';
import { fixedUsername } from '../../store/providerRules';
import type { Credentials } from '../types';
import { CredentialSourceError, type CredentialLookup, type CredentialSource } from './types';

export const ENVIRONMENT_PREFIX = 'REPLICATED_REGISTRIES_';

export function environmentVariableNames(slug: string): { username: string; password: string } {
  const key = slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { username: `${ENVIRONMENT_PREFIX}${key}_USERNAME`, password: `${ENVIRONMENT_PREFIX}${key}_PASSWORD` };
}

export class EnvironmentCredentialSource implements CredentialSource {
  readonly name = 'environment';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(entry: CredentialLookup): Promise<Credentials | undefined> {
    const names = environmentVariableNames(entry.slug);
    const secret = this.env[names.password];
    if (secret === undefined || secret === '') return Promise.resolve(undefined);
    registerSecret(secret);
    const username = this.env[names.username] || entry.username || (entry.authType ? fixedUsername(entry.provider, entry.authType) : undefined);
    if (!username) {
      return Promise.reject(
        new CredentialSourceError('environment', `${names.password} is set but ${names.username} is not, and registry "${entry.slug}" has no username; set ${names.username}`),
      );
    }
    return Promise.resolve({ username, secret, origin: 'environment' });
  }
}
