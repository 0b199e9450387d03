/**
 * Browsing a registry from the Registries view: a page of its catalog (`/v2/_catalog`, where the
 * registry offers one — many hosted ones do not, which is said, not shown as an error) and one tag's
 * details: its digest, platforms and, where the image config says it (one more small request for a
 * single-platform image), when it was built.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { ListRepositoriesParams, ListRepositoriesResult, TagDetails, TagDetailsParams } from '../../protocol/registryRequests';
import { RegistryRequestError } from '../../registry/registryClient';
import type { RegistryEntry } from '../../registry/types';
import type { ServerContext } from '../context';

function registryOrThrow(ctx: ServerContext, slug: unknown): RegistryEntry {
  const entry = typeof slug === 'string' ? ctx.workspace.registryBySlug(slug) : undefined;
  if (!entry) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: no registry named "${String(slug)}"; refresh the Registries view.`);
  if (!ctx.init.trusted) throw new ResponseError(ErrorCodes.InvalidRequest, 'replicated-registries: this workspace is not trusted, so registries are not contacted; trust the workspace to browse them.');
  return entry;
}

export async function listRepositories(ctx: ServerContext, params: ListRepositoriesParams): Promise<ListRepositoriesResult> {
  await ctx.ready();
  const entry = registryOrThrow(ctx, params?.slug);
  const settings = await ctx.settings.get(undefined);
  const credentials = await ctx.credentials.credentialsFor(entry);
  const pageSize = typeof params.pageSize === 'number' && params.pageSize > 0 ? Math.min(Math.floor(params.pageSize), 1000) : 100;
  try {
    const page = await ctx.registries.clientFor(settings).listRepositories(entry, credentials, {
      pageSize,
      maxPages: 1,
      ...(typeof params.cursor === 'string' && params.cursor !== '' ? { cursor: params.cursor } : {}),
    });
    return page.cursor !== undefined && page.cursor !== params.cursor ? { repositories: page.repositories, cursor: page.cursor } : { repositories: page.repositories };
  } catch (err) {
    if (!(err instanceof RegistryRequestError)) throw err;
    // Registries that keep no public catalog answer 404 / 401 / 403 on it: that is a property, not a failure.
    if (err.httpStatus === 404 || err.verdict === 'denied' || (err.verdict === 'unauthorized' && credentials !== undefined)) return { repositories: [], unsupported: true };
    return { repositories: [], error: { verdict: err.verdict, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

export async function tagDetails(ctx: ServerContext, params: TagDetailsParams): Promise<TagDetails> {
  await ctx.ready();
  const entry = registryOrThrow(ctx, params?.slug);
  if (typeof params.repository !== 'string' || typeof params.tag !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: TagDetails needs a repository and a tag.');
  const settings = await ctx.settings.get(undefined);
  const credentials = await ctx.credentials.credentialsFor(entry);
  try {
    const details = await ctx.registries.clientFor(settings).imageDetails(entry, credentials, { repository: params.repository, reference: params.tag });
    return details;
  } catch (err) {
    if (err instanceof RegistryRequestError) return { error: { verdict: err.verdict, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
    throw err;
  }
}
