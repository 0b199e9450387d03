/**
 * Credentials from environment variables, for CI: per registry,
 * `REPLICATED_REGISTRIES_<SLUG>_HOST`, `REPLICATED_REGISTRIES_<SLUG>_USERNAME` and
 * `REPLICATED_REGISTRIES_<SLUG>_PASSWORD`, where <SLUG> is the registry's slug upper-cased with every
 * character other than A-Z and 0-9 turned into `_` (`acme-ghcr` → `REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD`).
 * PASSWORD holds whatever the auth type needs: password, token, AWS secret access key, or the
 * service-account JSON key. USERNAME may be left out when the registry entry has a username or the
 * provider fixes it.
 *
 * HOST binds the secret to the registry host it was given for, as Docker binds a login: the slug comes
 * from a committed file, and a pull request that re-points a slug at another host must not collect the
 * CI secret. The secret is used only when the entry's endpoint is that host (normalised as in
 * hostBinding.ts). Without HOST it is not used at all, and the message names the variable to set:
 * guessing the host from the registries file would trust exactly the file this guards against.
 */
import { registerSecret } from '../../log/logger';
import { fixedUsername } from '../providers/catalog';
import type { Credentials } from '../types';
import { credentialHost, sameCredentialHost } from './hostBinding';
import { CredentialSourceError, CredentialsWithheldError, type CredentialLookup, type CredentialSource } from './types';

export const ENVIRONMENT_PREFIX = 'REPLICATED_REGISTRIES_';

export function environmentVariableNames(slug: string): { host: string; username: string; password: string } {
  const key = `${ENVIRONMENT_PREFIX}${slug.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return { host: `${key}_HOST`, username: `${key}_USERNAME`, password: `${key}_PASSWORD` };
}

export class EnvironmentCredentialSource implements CredentialSource {
  readonly name = 'environment';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(entry: CredentialLookup): Promise<Credentials | undefined> {
    const names = environmentVariableNames(entry.slug);
    const secret = this.env[names.password];
    if (secret === undefined || secret === '') return Promise.resolve(undefined);
    registerSecret(secret);
    const registryHost = credentialHost(entry.endpoint);
    const boundTo = this.env[names.host]?.trim();
    if (!boundTo) {
      return Promise.reject(
        new CredentialsWithheldError(
          `${names.password} is set but not bound to a host, so it is not used: set ${names.host} to the registry host these credentials are for (the registries file names ${registryHost} for "${entry.slug}")`,
        ),
      );
    }
    if (!sameCredentialHost(boundTo, entry.endpoint)) {
      return Promise.reject(
        new CredentialsWithheldError(
          `the credentials for "${entry.slug}" were given for ${credentialHost(boundTo)} (${names.host}), but the registries file now says ${registryHost}; they were not sent. If the registry really moved, set ${names.host}=${registryHost}`,
        ),
      );
    }
    const username = this.env[names.username] || entry.username || (entry.authType ? fixedUsername(entry.provider, entry.authType) : undefined);
    if (!username) {
      return Promise.reject(
        new CredentialSourceError('environment', `${names.password} is set but ${names.username} is not, and registry "${entry.slug}" has no username; set ${names.username}`),
      );
    }
    return Promise.resolve({ username, secret, origin: 'environment' });
  }
}
