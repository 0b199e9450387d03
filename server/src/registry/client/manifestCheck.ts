/**
 * The pull check's own question: `HEAD` of the manifest with all four manifest media types (GET where a
 * registry refuses HEAD). A 404 costs one more request — `tags/list?n=1` says whether the repository or
 * only the tag is missing — and an index's platforms are read only when asked for.
 */
import type { Logger } from '../../log/logger';
import { isDigestReference } from '../endpoints';
import { RegistryRequestError, rateLimitFromHeaders, registryErrorFromBody } from '../errors';
import type { HttpResponse } from '../transport';
import type { ImageTarget, PullCheckResult } from '../types';
import type { Authorizer } from './authorizer';
import { header, mediaTypeOf, type Authorization, type Operation } from './operation';
import { failureFor } from './verdicts';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export const INDEX_MEDIA_TYPES = new Set<string>(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export interface CheckContext {
  now: () => number;
  logger: Logger;
}

export async function checkManifest(auth: Authorizer, op: Operation, target: ImageTarget, wantPlatforms: boolean, context: CheckContext): Promise<Partial<PullCheckResult>> {
  const scopeText = `repository:${target.repository}:pull`;
  const manifestUrl = `${op.base}/v2/${target.repository}/manifests/${target.reference}`;
  const accept = MANIFEST_MEDIA_TYPES.join(', ');
  const first = await auth.authorizedRequest(op, scopeText, { method: 'HEAD', url: manifestUrl, headers: { accept }, tls: op.tls });
  const authorization = first.auth;
  let response = first.response;
  if (response.status === 405) {
    // A few old or proxying registries refuse HEAD on manifests: GET answers the same question.
    response = await auth.send(op, { method: 'GET', url: manifestUrl, headers: { accept }, tls: op.tls }, authorization);
  }
  const what = `${target.repository}${isDigestReference(target.reference) ? '@' : ':'}${target.reference}`;

  if (response.status >= 200 && response.status < 300) {
    const mediaType = mediaTypeOf(response);
    if (mediaType === 'text/html') {
      throw new RegistryRequestError({
        verdict: 'protocol-error',
        httpStatus: response.status,
        message: `${op.apiHost} answered the manifest request with a web page, not a manifest.`,
        hint: 'Check that the endpoint points at the registry API and not at a web front end or a login page.',
      });
    }
    const digest = header(response, 'docker-content-digest');
    const rateLimit = rateLimitFromHeaders(response.headers, context.now());
    const result: Partial<PullCheckResult> = {
      httpStatus: response.status,
      message: `${what} exists on ${op.registryHost} and ${
        authorization.kind !== 'anonymous' ? 'these credentials can pull it' : op.credentials ? 'can be pulled (the registry did not ask for a login, so the credentials were not needed)' : 'can be pulled anonymously'
      }.`,
      ...(digest ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
    if (wantPlatforms && mediaType && INDEX_MEDIA_TYPES.has(mediaType)) {
      const platforms = await readPlatforms(auth, op, manifestUrl, authorization, context);
      if (platforms) result.platforms = platforms;
    }
    return result;
  }
  if (response.status === 404) return explainNotFound(auth, op, target, authorization, what, context);
  throw failureFor(op, response, authorization, `the manifest ${what}`, context.now());
}

/** HEAD gave 404 without a body: ask tags/list whether the repository exists (one request). */
async function explainNotFound(auth: Authorizer, op: Operation, target: ImageTarget, authorization: Authorization, what: string, context: CheckContext): Promise<never> {
  let probe: HttpResponse | undefined;
  try {
    probe = await auth.send(op, { method: 'GET', url: `${op.base}/v2/${target.repository}/tags/list?n=1`, tls: op.tls, readBody: false }, authorization);
  } catch (error) {
    context.logger.debug(`tags/list probe for ${target.repository} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const kind = isDigestReference(target.reference) ? 'digest' : 'tag';
  if (probe && probe.status === 404 && (registryErrorFromBody(probe.body)?.code ?? 'NAME_UNKNOWN') === 'NAME_UNKNOWN') {
    throw new RegistryRequestError({
      verdict: 'repository-not-found',
      httpStatus: 404,
      registryErrorCode: 'NAME_UNKNOWN',
      message: `The repository ${target.repository} does not exist on ${op.registryHost}.`,
    });
  }
  if (probe && probe.status === 200) {
    throw new RegistryRequestError({
      verdict: 'tag-not-found',
      httpStatus: 404,
      registryErrorCode: 'MANIFEST_UNKNOWN',
      message: `The repository ${target.repository} exists on ${op.registryHost}, but it has no ${kind} ${target.reference}.`,
    });
  }
  throw new RegistryRequestError({
    verdict: 'tag-not-found',
    httpStatus: 404,
    message: `${op.registryHost} has no manifest for ${what} (it did not say whether the repository itself exists).`,
  });
}

async function readPlatforms(auth: Authorizer, op: Operation, manifestUrl: string, authorization: Authorization, context: CheckContext): Promise<string[] | undefined> {
  try {
    const response = await auth.send(op, { method: 'GET', url: manifestUrl, headers: { accept: [...INDEX_MEDIA_TYPES].join(', ') }, tls: op.tls, readBody: true }, authorization);
    if (response.status !== 200) return undefined;
    const parsed = JSON.parse(response.body.toString('utf8')) as { manifests?: Array<{ platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }> };
    const platforms: string[] = [];
    for (const entry of parsed.manifests ?? []) {
      const p = entry.platform;
      if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string') continue;
      if (p.os === 'unknown' && p.architecture === 'unknown') continue; // attestation manifests
      const name = `${p.os}/${p.architecture}${typeof p.variant === 'string' && p.variant ? `/${p.variant}` : ''}`;
      if (!platforms.includes(name)) platforms.push(name);
    }
    return platforms;
  } catch (error) {
    context.logger.debug(`reading the platforms of ${manifestUrl} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** A tag's digest, platforms and build time (the image config's `created`), for browsing. */
export interface ImageDetails {
  digest?: string;
  mediaType?: string;
  platforms?: string[];
  created?: string;
}

/**
 * The manifest (GET), and for the age the image config it names: one more small GET for a
 * single-platform image, two for an index (its linux/amd64 or first platform). Throws RegistryRequestError.
 */
export async function imageDetails(auth: Authorizer, op: Operation, target: ImageTarget, context: CheckContext): Promise<ImageDetails> {
  const scopeText = `repository:${target.repository}:pull`;
  const manifestUrl = (reference: string): string => `${op.base}/v2/${target.repository}/manifests/${reference}`;
  const accept = MANIFEST_MEDIA_TYPES.join(', ');
  const { response, auth: authorization } = await auth.authorizedRequest(op, scopeText, { method: 'GET', url: manifestUrl(target.reference), headers: { accept }, tls: op.tls, readBody: true });
  if (response.status === 404) return explainNotFound(auth, op, target, authorization, `${target.repository}:${target.reference}`, context);
  if (response.status !== 200) throw failureFor(op, response, authorization, `the manifest ${target.repository}:${target.reference}`, context.now());
  const details: ImageDetails = {};
  const digest = header(response, 'docker-content-digest');
  const mediaType = mediaTypeOf(response);
  if (digest) details.digest = digest;
  if (mediaType) details.mediaType = mediaType;
  let manifest = parseJson(response.body) as { manifests?: Array<{ digest?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } }>; config?: { digest?: unknown } } | undefined;
  if (manifest?.manifests) {
    const platforms: Array<{ name: string; digest: string }> = [];
    for (const entry of manifest.manifests) {
      const p = entry.platform;
      if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string' || typeof entry.digest !== 'string') continue;
      if (p.os === 'unknown' && p.architecture === 'unknown') continue; // attestation manifests
      platforms.push({ name: `${p.os}/${p.architecture}${typeof p.variant === 'string' && p.variant ? `/${p.variant}` : ''}`, digest: entry.digest });
    }
    details.platforms = [...new Set(platforms.map((p) => p.name))];
    const chosen = platforms.find((p) => p.name === 'linux/amd64') ?? platforms[0];
    if (!chosen) return details;
    const child = await auth.send(op, { method: 'GET', url: manifestUrl(chosen.digest), headers: { accept }, tls: op.tls, readBody: true }, authorization);
    manifest = child.status === 200 ? (parseJson(child.body) as typeof manifest) : undefined;
  }
  const configDigest = manifest?.config?.digest;
  if (typeof configDigest !== 'string') return details;
  try {
    const blob = await auth.send(op, { method: 'GET', url: `${op.base}/v2/${target.repository}/blobs/${configDigest}`, tls: op.tls, readBody: true }, authorization);
    const created = blob.status === 200 ? (parseJson(blob.body) as { created?: unknown } | undefined)?.created : undefined;
    if (typeof created === 'string' && Number.isFinite(Date.parse(created))) details.created = created;
  } catch (error) {
    // The age is a nicety: a registry that will not hand out the config still gave the digest.
    context.logger.debug(`reading the image config of ${target.repository}:${target.reference} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return details;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
