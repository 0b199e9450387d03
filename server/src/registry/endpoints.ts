/**
 * Registry hosts: how an endpoint the vendor typed maps to a reference domain, to an API base URL
 * and to a provider, and how a test image is resolved against a registry. Pure: no I/O.
 */
import { parseImageReference } from '../reference/imageReference';
import type { ConnectionSettings, Provider } from './types';
import type { ImageTarget } from './registryClient';

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

/** The provider a host most likely belongs to, from its pattern. */
export function guessProvider(host: string): Provider {
  const h = endpointHost(host).replace(/:\d+$/, '');
  if (DOCKER_HUB_ALIASES.has(h) || DOCKER_HUB_API_HOSTS.has(h)) return 'dockerhub';
  if (parseEcrHost(h)) return 'ecr';
  if (h.endsWith('-docker.pkg.dev')) return 'gar';
  if (h === 'gcr.io' || h.endsWith('.gcr.io')) return 'gcr';
  if (h === 'ghcr.io') return 'ghcr';
  if (h === 'quay.io') return 'quay';
  return 'other';
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
