/**
 * The one gate every tool (lint, `registry test`, the language server, the extension through it) passes
 * before a registry entry's credentials may be sent. The entry comes from a committed file, so it may
 * be hostile; the credentials come from this user's machine. They are used only when:
 *
 * 1. the entry has no error in the registries file (a `provider: dockerhub` entry pointing at another
 *    host, an endpoint with a path or a password... is shown, never used to send a secret);
 * 2. a source has credentials bound to the entry's host (each source checks the host itself:
 *    SecretStorage by slug and endpoint, the Docker store by host, the environment by `_HOST`);
 * 3. `plainHttp` / `insecureSkipTLSVerify`, which the committed file sets, were allowed for that host
 *    by the user on this machine (Docker likewise needs the user's own insecure-registries setting):
 *    otherwise the credentials would travel in clear text or to an unverified peer.
 *
 * When a rule says no, the answer says why and what to do (`withheld`), and nothing is sent.
 */
import type { Credentials, RegistryEntry } from '../types';
import { credentialHost } from './hostBinding';
import { CredentialsWithheldError } from './types';

/** What a credential lookup for one entry found. */
export interface CredentialAnswer {
  /** Credentials that may be used for this entry. */
  credentials?: Credentials;
  /** Set when credentials exist (or are configured) but may not be used here: why, and what to do. */
  withheld?: string;
}

/** The user's consent, on this machine, to insecure connection options for a host with credentials. */
export interface InsecureConsent {
  allows(host: string, entry: RegistryEntry): boolean | Promise<boolean>;
  /** How to give it, for the message (`--allow-insecure HOST`, a VS Code prompt...). */
  howToAllow(host: string): string;
}

/** The environment variable that lists hosts whose insecure options may be used with credentials (CI). */
export const ALLOW_INSECURE_VARIABLE = 'REPLICATED_REGISTRIES_ALLOW_INSECURE';

/** Hosts from a comma- or space-separated list (`--allow-insecure a,b`, the environment variable), normalised. */
export function insecureHostList(values: ReadonlyArray<string | undefined>): Set<string> {
  const hosts = new Set<string>();
  for (const value of values) {
    for (const host of (value ?? '').split(/[\s,]+/)) if (host.trim() !== '') hosts.add(credentialHost(host));
  }
  return hosts;
}

/** Consent from a fixed list of hosts (CLI flags and the environment). */
export function listedInsecureConsent(hosts: ReadonlySet<string>, howToAllow: (host: string) => string): InsecureConsent {
  return { allows: (host) => hosts.has(credentialHost(host)), howToAllow };
}

/** The CLI's consent: `--allow-insecure HOST` (repeatable) and REPLICATED_REGISTRIES_ALLOW_INSECURE. */
export function cliInsecureConsent(flagValues: readonly string[], env: NodeJS.ProcessEnv): InsecureConsent {
  return listedInsecureConsent(
    insecureHostList([...flagValues, env[ALLOW_INSECURE_VARIABLE]]),
    (host) => `If ${host} is yours and you accept that, allow it on this machine: pass --allow-insecure ${host} (in CI: ${ALLOW_INSECURE_VARIABLE}=${host})`,
  );
}

function insecureWords(entry: RegistryEntry): { option: string; risk: string } {
  if (entry.plainHttp) return { option: '`plainHttp: true`', risk: 'unencrypted, over plain HTTP' };
  return { option: '`insecureSkipTLSVerify: true`', risk: 'to a server whose TLS certificate is not verified' };
}

/** The credentials `lookup` finds for `entry`, if the rules above allow them. Lookup failures other than a withholding propagate. */
export async function credentialsForEntry(
  entry: RegistryEntry,
  lookup: (entry: RegistryEntry) => Promise<Credentials | undefined>,
  consent: InsecureConsent,
): Promise<CredentialAnswer> {
  if (entry.problem !== undefined) {
    return { withheld: `registry "${entry.slug}" has an error in the registries file (${entry.problem.replace(/[\s.;]+$/, '')}), so no credentials are used for it until it is fixed` };
  }
  let credentials: Credentials | undefined;
  try {
    credentials = await lookup(entry);
  } catch (error) {
    if (error instanceof CredentialsWithheldError) return { withheld: error.message };
    throw error;
  }
  if (!credentials) return {};
  if (entry.plainHttp || entry.insecureSkipTLSVerify) {
    const host = credentialHost(entry.endpoint);
    if (!(await consent.allows(host, entry))) {
      const { option, risk } = insecureWords(entry);
      return {
        withheld: `the registries file sets ${option} for "${entry.slug}", which would send your credentials for ${host} ${risk}; they were not used. ${consent.howToAllow(host)}`,
      };
    }
  }
  return { credentials };
}
