/**
 * Registry hosts: how an endpoint the vendor typed maps to a reference domain, to an API base URL
 * and to a provider, and how a test image is resolved against a registry. Pure: no I/O.
 */
import { parseImageReference } from '../reference/imageReference';
import type { ConnectionSettings, ImageTarget } from './types';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io']);
/** Hosts a vendor may type for Docker Hub; not reference aliases (Docker would treat them as other registries). */
const DOCKER_HUB_API_HOSTS = new Set(['registry-1.docker.io', 'registry.hub.docker.com']);

/** Strips a scheme, userinfo, path and trailing dot from an endpoint and lower-cases it: `https://Index.Docker.io/v1/` → `index.docker.io`. */
export function endpointHost(endpoint: string): string {
  let host = endpoint.trim();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash !== -1) host = host.slice(0, slash);
  const at = host.lastIndexOf('@');
  if (at !== -1) host = host.slice(at + 1);
  host = host.replace(/\.$/, '');
  return host.toLowerCase();
}

/** The domain references use for this registry: `docker.io`/`index.docker.io` → `docker.io`; lower-cased. */
export function registryHostForReference(domain: string): string {
  const host = endpointHost(domain);
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/** Whether a registry entry's endpoint serves references on `referenceDomain` (`index.docker.io` serves `docker.io`). */
export function endpointMatchesDomain(endpoint: string, referenceDomain: string): boolean {
  let entryHost = registryHostForReference(endpoint);
  if (DOCKER_HUB_API_HOSTS.has(entryHost)) entryHost = 'docker.io';
  return entryHost === registryHostForReference(referenceDomain);
}

/** `https://host[:port]` to talk to (`http://` when plainHttp); Docker Hub's API lives on `registry-1.docker.io`. */
export function apiBaseUrl(conn: ConnectionSettings): string {
  let host = endpointHost(conn.endpoint);
  if (DOCKER_HUB_ALIASES.has(host) || host === 'registry.hub.docker.com') host = 'registry-1.docker.io';
  return `${conn.plainHttp ? 'http' : 'https'}://${host}`;
}

/** Parsed parts of an ECR registry host. */
export interface EcrHost {
  accountId: string;
  region: string;
  fips: boolean;
  /** DNS suffix of the partition: `amazonaws.com`, `amazonaws.com.cn`, `on.aws`, ... */
  dnsSuffix: string;
}

// Mirrors the host patterns the amazon-ecr-credential-helper accepts (commercial, China, GovCloud, ISO
// partitions, FIPS endpoints, and the dual-stack `dkr-ecr.<region>.on.aws` form).
const ECR_HOST = /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-z0-9][a-z0-9-_]*)\.(amazonaws\.com(?:\.cn)?|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

export function parseEcrHost(host: string): EcrHost | undefined {
  const match = ECR_HOST.exec(endpointHost(host));
  if (!match) return undefined;
  const [, accountId = '', fips, region = '', dnsSuffix = ''] = match;
  return { accountId, region, fips: fips !== undefined, dnsSuffix };
}

// ---- the shape of an endpoint as written ----------------------------------------------------

const DOMAIN_COMPONENT = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** `host[:port]` per the reference grammar (domain name, IPv4 or bracketed IPv6, no zone id): the problem, or undefined. */
export function hostPortProblem(value: string): string | undefined {
  let host = value;
  let port: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return 'An IPv6 address needs a closing "]", e.g. [2001:db8::1]:5000.';
    const inner = value.slice(1, close);
    if (!/^[0-9a-fA-F:.]+$/.test(inner) || !inner.includes(':')) return `"${inner}" is not an IPv6 address (zone ids are not allowed).`;
    const rest = value.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'Only ":port" may follow the IPv6 address.';
    port = rest === '' ? undefined : rest.slice(1);
    host = '';
  } else {
    const colon = value.lastIndexOf(':');
    if (colon >= 0) {
      host = value.slice(0, colon);
      port = value.slice(colon + 1);
    }
    if (host === '') return 'Enter a host name, e.g. registry.example.com.';
    for (const component of host.split('.')) {
      if (!DOMAIN_COMPONENT.test(component)) return `"${host}" is not a valid host name (letters, digits, "-" and ".").`;
    }
  }
  if (port !== undefined) {
    const portNumber = Number(port);
    if (!/^\d{1,5}$/.test(port) || portNumber < 1 || portNumber > 65535) return `"${port}" is not a port number (1–65535).`;
  }
  return undefined;
}

const USERINFO = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/@\s]*@/i;

/** Whether an endpoint carries a `user:password@` part (a secret in a committed file). */
export function hasUserinfo(endpoint: string): boolean {
  return USERINFO.test(endpoint);
}

/** The endpoint without its `user:password@` part: all that messages and the configuration may hold. */
export function withoutUserinfo(endpoint: string): string {
  return endpoint.replace(USERINFO, '$1');
}

/** Problems with the shape of an endpoint (scheme, path, characters), or undefined when it is a plain host[:port]. Never echoes a password. */
export function endpointShapeProblem(given: string): string | undefined {
  if (hasUserinfo(given)) {
    return `endpoint must not hold a user name or password: write \`${withoutUserinfo(given).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] || 'registry.example.com'}\`, keep the username in \`username\` and the password in your credential store`;
  }
  const endpoint = given;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint);
  if (schemeMatch) {
    const rest = endpoint.slice(schemeMatch[0].length).split('/')[0] ?? '';
    const plain = schemeMatch[1]?.toLowerCase() === 'http' ? '; set `plainHttp: true` for a registry that only speaks HTTP' : '';
    return `endpoint must be a host without a scheme: write \`${rest || 'registry.example.com'}\`, not \`${endpoint}\`${plain}`;
  }
  const slash = endpoint.indexOf('/');
  if (slash >= 0) {
    return `endpoint must be a host[:port] without a path: write \`${endpoint.slice(0, slash)}\`; the repository path goes in the image reference`;
  }
  if (!/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/.test(endpoint)) {
    return `endpoint \`${endpoint}\` is not a valid host[:port] (for example \`registry.example.com:5000\`)`;
  }
  return undefined;
}

/** Whether a reference string (`sha256:...`) is a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(reference);
}

/** `docker.io/library/nginx:latest` / `ghcr.io/acme/app@sha256:...` for messages and results. */
export function formatImage(conn: ConnectionSettings, target: ImageTarget): string {
  const separator = isDigestReference(target.reference) ? '@' : ':';
  return `${registryHostForReference(conn.endpoint)}/${target.repository}${separator}${target.reference}`;
}

/**
 * Resolves a test image given relative to the registry (`my-company/my-image:v1.2.34`) or as a full
 * reference on that registry's host. No tag and no digest → `latest`; both → the digest wins (as Docker).
 */
export function resolveTestImage(entry: ConnectionSettings, image: string): ImageTarget | { error: string } {
  const text = image.trim();
  const host = registryHostForReference(entry.endpoint);
  if (text === '') return { error: 'No image given: pass one relative to the registry (for example my-company/my-image:v1.2.34) or as a full reference on ' + host + '.' };

  const firstComponent = text.split('/')[0] ?? '';
  const namesAHost = text.includes('/') && (firstComponent.includes('.') || firstComponent.includes(':') || firstComponent === 'localhost' || firstComponent.startsWith('['));
  let candidate: string;
  if (namesAHost) {
    if (!endpointMatchesDomain(entry.endpoint, firstComponent)) {
      return {
        error: `The image ${text} is on ${registryHostForReference(firstComponent)}, but this registry is ${host}. Give the image relative to the registry (for example my-company/my-image:v1.2.34) or as a full reference on ${host}.`,
      };
    }
    candidate = text;
  } else {
    candidate = `${host}/${text}`;
  }
  const parsed = parseImageReference(candidate);
  if (!parsed.ok) return { error: `The image ${text} is not a valid reference: ${parsed.error.message}.` };
  const ref = parsed.reference;
  if (!endpointMatchesDomain(entry.endpoint, ref.domain)) {
    return { error: `The image ${text} resolves to registry ${ref.domain}, not ${host}. Give it relative to the registry, for example my-company/my-image:v1.2.34.` };
  }
  return { repository: ref.path, reference: ref.digest ?? ref.tag ?? 'latest' };
}
