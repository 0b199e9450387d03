/**
 * Where a registry's token challenge may send the login. The realm comes from the registry's
 * `WWW-Authenticate` answer, so whoever answers for the endpoint chooses it: the login goes there
 * only when
 * - it travels over HTTPS — or over plain HTTP to the registry's own host when the registry itself is
 *   plain HTTP (the credential gate has then made sure the user allowed plain HTTP for it); and
 * - the realm is on the registry's own host (any port), or on a token service the provider catalog
 *   names for that registry host (Docker Hub's `auth.docker.io` for `registry-1.docker.io`), or on the
 *   same registrable domain (`gitlab.com` for `registry.gitlab.com`; the Public Suffix List, private
 *   section included, decides what "registrable" means, so `a.github.io` and `b.github.io` differ).
 *   An IP address shares a domain only with itself.
 * Anything else stops the check with a verdict that says so: the login is not sent.
 */
import { credentialHost } from './credentials/hostBinding';
import { getDomain } from './httpLibraries';

/** Token services the providers document on another host than the registry's, by registry host. */
const CATALOG_TOKEN_SERVICES: Readonly<Record<string, readonly string[]>> = {
  'docker.io': ['auth.docker.io'],
};

export type RealmDecision = { allowed: true } | { allowed: false; message: string; hint: string };

function registrableDomain(hostname: string): string | null {
  return getDomain(hostname, { allowPrivateDomains: true });
}

/** Whether the login for the registry at `registryBase` may be sent to the token service `realm`. */
export function loginMayGoToRealm(registryBase: URL, realm: URL): RealmDecision {
  const registry = registryBase.host;
  const sameHostname = realm.hostname === registryBase.hostname;
  if (realm.protocol !== 'https:') {
    if (realm.protocol === 'http:' && registryBase.protocol === 'http:' && sameHostname) return { allowed: true };
    return {
      allowed: false,
      message: `${registry} asked for the login to be sent to its token service ${realm.host} over ${realm.protocol === 'http:' ? 'plain HTTP' : realm.protocol}, which would expose it; the login was not sent.`,
      hint: `A registry's token service must use HTTPS. Check the registry's auth configuration (token realm), or the proxy in front of ${registry}.`,
    };
  }
  if (sameHostname) return { allowed: true };
  if ((CATALOG_TOKEN_SERVICES[credentialHost(registryBase.host)] ?? []).includes(realm.hostname)) return { allowed: true };
  const domain = registrableDomain(registryBase.hostname);
  if (domain !== null && domain === registrableDomain(realm.hostname)) return { allowed: true };
  return {
    allowed: false,
    message: `${registry} asked for the login to be sent to a token service on another domain, ${realm.host}; the login for ${registry} was not sent there.`,
    hint: `A registry's token service is on its own host or domain (or one its provider documents, like auth.docker.io for Docker Hub). If ${registry} is right, check its auth configuration and any proxy in front of it; if the endpoint is wrong, fix it in the registries file.`,
  };
}
