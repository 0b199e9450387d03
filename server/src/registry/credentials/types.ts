import type { Credentials, RegistryEntry } from '../types';

/**
 * What a credential source is asked about: a registry's identity, plus the non-secret details
 * that help a source fill in a username (`username`, `authType`) when the caller has them.
 */
export type CredentialLookup = Pick<RegistryEntry, 'slug' | 'endpoint' | 'provider'> & Partial<Pick<RegistryEntry, 'username' | 'authType'>>;

/** One place credentials can come from (SecretStorage in the extension, the Docker credential store, the environment). */
export interface CredentialSource {
  /** Short name for messages: `docker-config`, `environment`, `secret-storage`. */
  readonly name: string;
  /** The credentials for a registry, or undefined when this source has none. Throws only when the source itself is broken. */
  get(entry: CredentialLookup): Promise<Credentials | undefined>;
}

/** A credential source could not be read (broken config file, helper missing or failing). Never carries a secret. */
export class CredentialSourceError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialSourceError';
  }
}

/**
 * Credentials exist for a registry entry but may not be used for it: bound to another host, an entry
 * with an error, insecure connection options the user has not allowed. The message says why and what
 * to do; it never carries a secret. Nothing is sent.
 */
export class CredentialsWithheldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsWithheldError';
  }
}
