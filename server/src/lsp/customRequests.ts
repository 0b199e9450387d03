/**
 * The server side of the custom protocol (server/src/protocol/messages.ts): the workspace's images,
 * the team's registries with their state, a registry test, a page of tags. (GetCredentialsRequest is
 * sent from credentials.ts; RegistriesChanged and ServerStatus from workspace.ts and status.ts.)
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import {
  ListRegistriesRequest,
  ListTagsRequest,
  TestRegistryRequest,
  WorkspaceImagesRequest,
  type ListTagsParams,
  type ListTagsResult,
  type RegistryStatus,
  type TestRegistryParams,
} from '../protocol/messages';
import type { RegistryTestResult } from '../protocol/registryRequests';
import { resolveTestImage } from '../registry/endpoints';
import { healthOf } from '../registry/health';
import { RegistryRequestError } from '../registry/registryClient';
import type { RegistryEntry } from '../registry/types';
import type { ServerContext } from './context';
import { guarded } from './handlerErrors';
import { adviceFor } from './requests/registryDrafts';

function registryOrThrow(ctx: ServerContext, slug: unknown): RegistryEntry {
  if (typeof slug !== 'string' || slug === '') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: the request names no registry (slug); pass the registry name.');
  const entry = ctx.workspace.registryBySlug(slug);
  if (!entry) {
    const known = ctx.workspace.allRegistries().map((r) => r.slug);
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `replicated-registries: no registry named "${slug}" among the team's registries (the workspace registries file${ctx.workspace.allRegistries().some((r) => r.source === 'portal') ? ' and the vendor portal' : ''})${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}; add it first, or refresh the Registries view.`,
    );
  }
  return entry;
}

async function networkSettings(ctx: ServerContext) {
  const settings = await ctx.settings.get(undefined);
  if (!ctx.init.trusted) {
    throw new ResponseError(ErrorCodes.InvalidRequest, 'replicated-registries: this workspace is not trusted, so registries are not contacted; trust the workspace to test registries.');
  }
  return settings;
}

export async function testRegistry(ctx: ServerContext, params: TestRegistryParams): Promise<RegistryTestResult> {
  await ctx.ready();
  const entry = registryOrThrow(ctx, params?.slug);
  const settings = await networkSettings(ctx);
  const target = resolveTestImage(entry, typeof params.image === 'string' ? params.image : '');
  if ('error' in target) throw new ResponseError(ErrorCodes.InvalidParams, target.error);
  // A test is about the credentials as they are now: ask again, bypass every cache.
  ctx.credentials.invalidate(entry.slug);
  ctx.registries.invalidate(entry.endpoint);
  const answer = await ctx.credentials.answerFor(entry);
  const result = await ctx.registries.checkPull(settings, entry, answer.credentials, target, { noCache: true, readPlatforms: true });
  // Withheld credentials: the check ran without them, and the result says why.
  const message = answer.withheld === undefined ? result.message : `${result.message} Your credentials were not used: ${answer.withheld}.`;
  const advice = adviceFor(result, entry, target.repository);
  return { ...result, message, health: healthOf(result, entry.endpoint, 'test'), ...(advice ? { advice } : {}) };
}

export async function listTags(ctx: ServerContext, params: ListTagsParams): Promise<ListTagsResult> {
  await ctx.ready();
  const entry = registryOrThrow(ctx, params?.slug);
  const settings = await networkSettings(ctx);
  if (typeof params.repository !== 'string' || params.repository === '') {
    throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: ListTags needs a repository (for example acme/app).');
  }
  const pageSize = typeof params.pageSize === 'number' && params.pageSize > 0 ? Math.min(Math.floor(params.pageSize), 1000) : 100;
  const credentials = await ctx.credentials.credentialsFor(entry);
  try {
    const page = await ctx.registries.clientFor(settings).listTags(entry, credentials, params.repository, {
      pageSize,
      maxPages: 1,
      ...(typeof params.cursor === 'string' && params.cursor !== '' ? { cursor: params.cursor } : {}),
    });
    return page.cursor !== undefined && page.cursor !== params.cursor ? { tags: page.tags, cursor: page.cursor } : { tags: page.tags };
  } catch (err) {
    if (err instanceof RegistryRequestError) {
      return { tags: [], error: { verdict: err.verdict, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
    }
    throw err;
  }
}

export async function listRegistries(ctx: ServerContext): Promise<RegistryStatus[]> {
  await ctx.ready();
  const out: RegistryStatus[] = [];
  for (const entry of ctx.workspace.allRegistries()) {
    const credentials = await ctx.credentials.credentialsFor(entry);
    const status: RegistryStatus = { ...entry, hasCredentials: credentials !== undefined };
    // Only the origin travels (for the extension's tooltip), never the secret.
    if (credentials?.origin) status.credentialsOrigin = credentials.origin;
    const last = ctx.registries.lastCheckForRegistry(entry.endpoint);
    if (last) status.lastCheck = last.result;
    out.push(status);
  }
  return out;
}

export function registerCustomRequests(ctx: ServerContext): void {
  const { connection, logger } = ctx;
  connection.onRequest(
    WorkspaceImagesRequest,
    guarded(logger, WorkspaceImagesRequest.method, async () => {
      await ctx.ready();
      return ctx.workspace.allImages();
    }),
  );
  connection.onRequest(ListRegistriesRequest, guarded(logger, ListRegistriesRequest.method, () => listRegistries(ctx)));
  connection.onRequest(TestRegistryRequest, guarded(logger, TestRegistryRequest.method, (params: TestRegistryParams) => testRegistry(ctx, params)));
  connection.onRequest(ListTagsRequest, guarded(logger, ListTagsRequest.method, (params: ListTagsParams) => listTags(ctx, params)));
}
