/**
 * Tag and catalog listings: `tags/list` and `_catalog`, page by page through `Link` headers. A link to
 * another origin, a repeated link or a page that adds nothing ends the listing; a cursor (the next page's
 * path and query) never leaves the registry's origin.
 */
import type { Logger } from '../../log/logger';
import { RegistryRequestError, registryErrorFromBody } from '../errors';
import type { ConnectionSettings, Credentials } from '../types';
import type { Authorizer } from './authorizer';
import { createScope, headerList, makeOperation, type Operation } from './operation';
import { detailsFromError, failureFor } from './verdicts';

const DEFAULT_MAX_PAGES = 100;

export interface ListingContext {
  now: () => number;
  logger: Logger;
  overallMs: number;
}

/** Parses `Link: <url>; rel="next"` (several links, any order). */
export function nextLinkFrom(values: readonly string[]): string | undefined {
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (!match) continue;
      const params = match[2] ?? '';
      if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) return match[1];
    }
  }
  return undefined;
}

export async function paged(
  auth: Authorizer,
  context: ListingContext,
  conn: ConnectionSettings,
  credentials: Credentials | undefined,
  repository: string,
  scopeText: string,
  firstUrl: string,
  field: 'tags' | 'repositories',
  options: { cursor?: string; maxPages?: number; signal?: AbortSignal },
): Promise<{ items: string[]; cursor?: string }> {
  const counter = { count: 0 };
  const { scope, dispose } = createScope(context.overallMs, counter, options.signal);
  const op = makeOperation(conn, credentials, scope, counter, repository);
  try {
    let url = options.cursor !== undefined ? resolveCursor(op, options.cursor) : firstUrl;
    const maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
    const visited = new Set<string>();
    const items: string[] = [];
    const seen = new Set<string>();
    for (let page = 0; page < maxPages; page++) {
      visited.add(url);
      const { response, auth: authorization } = await auth.authorizedRequest(op, scopeText, { method: 'GET', url, tls: op.tls, readBody: true });
      if (response.status !== 200) {
        if (response.status === 404 && field === 'tags') {
          throw new RegistryRequestError({ verdict: 'repository-not-found', httpStatus: 404, registryErrorCode: registryErrorFromBody(response.body)?.code ?? 'NAME_UNKNOWN', message: `The repository ${repository} does not exist on ${op.registryHost}.` });
        }
        throw failureFor(op, response, authorization, field === 'tags' ? `the tags of ${repository}` : 'the repository catalog', context.now());
      }
      let list: unknown;
      try {
        list = (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)[field];
      } catch {
        throw new RegistryRequestError({ verdict: 'protocol-error', httpStatus: 200, message: `${op.registryHost} answered the ${field} listing with something that is not JSON.` });
      }
      let added = 0;
      if (Array.isArray(list)) {
        for (const item of list) {
          if (typeof item === 'string' && !seen.has(item)) {
            seen.add(item);
            items.push(item);
            added++;
          }
        }
      }
      const link = nextLinkFrom(headerList(response, 'link'));
      if (!link) return { items };
      let next: URL;
      try {
        next = new URL(link, url);
      } catch {
        return { items };
      }
      if (next.origin !== new URL(op.base).origin) {
        context.logger.warn(`${op.registryHost} sent a next-page link to another host (${next.host}); paging stopped.`);
        return { items };
      }
      // Loop protection: a link seen before, or a page that added nothing new, ends the listing.
      if (visited.has(next.toString()) || added === 0) {
        context.logger.debug(`paging of ${field} on ${op.registryHost} stopped: the next link repeats or the page added nothing`);
        return { items };
      }
      url = next.toString();
    }
    return { items, cursor: new URL(url).pathname + new URL(url).search };
  } catch (error) {
    if (error instanceof RegistryRequestError) throw error;
    throw new RegistryRequestError(detailsFromError(error, op, { overallMs: context.overallMs }, context.logger));
  } finally {
    dispose();
  }
}

/** A cursor is the path and query of the next page; it never leaves the registry's origin. */
function resolveCursor(op: Operation, cursor: string): string {
  const base = new URL(op.base);
  let resolved: URL;
  try {
    resolved = new URL(cursor, base);
  } catch {
    throw new RegistryRequestError({ verdict: 'protocol-error', message: 'The paging cursor is not valid.', hint: 'Start the listing again without a cursor.' });
  }
  if (resolved.origin !== base.origin || !resolved.pathname.startsWith('/v2/')) {
    throw new RegistryRequestError({ verdict: 'protocol-error', message: 'The paging cursor does not belong to this registry.', hint: 'Start the listing again without a cursor.' });
  }
  return resolved.toString();
}
