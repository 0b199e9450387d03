/**
 * The host a credential is bound to, normalised the way Docker matches its credential store: a login is
 * for one registry host and is sent nowhere else. Case, a scheme, userinfo, a path and a trailing dot
 * do not matter; `docker.io`, `index.docker.io`, `registry-1.docker.io` and `registry.hub.docker.com`
 * are one host (Docker Hub); the default ports 443 and 80 are the same as none. Any other port is part
 * of the host: `registry:5000` and `registry:5001` are different registries.
 */
import { endpointHost } from '../endpoints';

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `HTTPS://Index.Docker.io/v1/` → `docker.io`; `Registry.Example.com:443` → `registry.example.com`. */
export function credentialHost(endpointOrHost: string): string {
  const host = endpointHost(endpointOrHost).replace(/:(?:443|80)$/, '');
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/** Whether credentials bound to `boundTo` may be sent to the registry at `endpoint`. */
export function sameCredentialHost(boundTo: string, endpoint: string): boolean {
  const bound = credentialHost(boundTo);
  return bound !== '' && bound === credentialHost(endpoint);
}
