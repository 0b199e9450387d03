/**
 * The server side of the custom protocol (server/src/protocol/messages.ts): the workspace's images,
 * the team's registries with their state, a registry test, a page of tags. (GetCredentialsRequest is
 * sent from credentials.ts; RegistriesChanged and ServerStatus from workspace.ts and status.ts.)
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ListRegistriesRequest,
  ListTagsRequest,
  ReleaseImagesRequest,
  TestAsCustomerRequest,
  TestRegistryRequest,
  WorkspaceImagesRequest,
  type ListTagsParams,
  type ListTagsResult,
  type RegistryStatus,
  type ReleaseImageItem,
  type ReleaseImagesParams,
  type ReleaseImagesResult,
  type SourceLocation,
  type TestAsCustomerParams,
  type TestAsCustomerResult,
  type TestRegistryParams,
} from '../protocol/messages';
import type { RegistryTestResult } from '../protocol/registryRequests';
import { registerSecret } from '../log/logger';
import { parseImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, normalizeHost } from '../reference/proxy';
import { customerLogin, customerPullTarget, testAsCustomer } from '../registry/customerPull';
import { endpointMatchesDomain } from '../registry/endpoints';
import { listImages, manifestImagesOf } from '../analysis/imageList';
import { INSTALL_MODES, type InstallMode } from '../templates/kots';
import { offsetRange, pathToUri } from './convert';
import { preferredCustomProxyDomain } from './proxyForms';
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

/** A URI of the release to ask about: the one given, else the first workspace folder. */
function releaseUri(ctx: ServerContext, uri: unknown): string {
  if (typeof uri === 'string' && uri !== '') return uri;
  const folder = ctx.workspace.folderPaths[0];
  if (!folder) throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: no workspace folder is open; pass the uri of a file or folder of the release.');
  return pathToUri(folder);
}

export async function releaseImagesOf(ctx: ServerContext, params: ReleaseImagesParams): Promise<ReleaseImagesResult> {
  await ctx.ready();
  if (params?.mode !== undefined && !(INSTALL_MODES as readonly string[]).includes(params.mode)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: mode must be one of ${INSTALL_MODES.join(', ')}, not "${String(params.mode)}".`);
  }
  const uri = releaseUri(ctx, params?.uri);
  const folder = ctx.releaseRootOf(uri);
  const setup = await ctx.environmentFor(pathToUri(folder));
  const release = await setup.env.release?.();
  if (!release) return { folder: pathToUri(folder), modes: [], modeReasons: {}, images: [], problems: ['the release could not be read'] };
  const files = ctx.releases.files(folder);
  const modes: InstallMode[] = params?.mode ? [params.mode] : release.modes;
  const documents = new Map<string, TextDocument | undefined>();
  const documentOf = async (file: string): Promise<TextDocument | undefined> => {
    if (!documents.has(file)) {
      const fileUri = pathToUri(file);
      const text = await ctx.readText(file);
      documents.set(file, ctx.documents.get(fileUri) ?? (text === undefined ? undefined : TextDocument.create(fileUri, 'yaml', 0, text)));
    }
    return documents.get(file);
  };
  const locate = async (file: string, start: number, end: number): Promise<SourceLocation> => {
    const document = await documentOf(file);
    const range = document ? offsetRange(document, start, end) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { uri: pathToUri(file), line: range.start.line, character: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
  };
  const images: ReleaseImageItem[] = [];
  for (const entry of listImages(release, setup.env, await manifestImagesOf(files, release, setup.env), modes)) {
    const item: ReleaseImageItem = { mode: entry.mode, path: entry.path, via: entry.via, location: await locate(entry.location.file, entry.location.start, entry.location.end), assumptions: entry.assumptions, unevaluated: entry.unevaluated, findings: entry.findings.map(({ code, severity, message }) => ({ code, severity, message })) };
    if (entry.reference) item.reference = entry.reference;
    if (entry.pulled) item.pulled = entry.pulled;
    if (entry.rewrittenByKots) item.rewrittenByKots = true;
    if (entry.inBundle !== undefined) item.inBundle = entry.inBundle;
    if (entry.note) item.note = entry.note;
    if (entry.source.entry !== undefined) item.archive = { uri: pathToUri(entry.source.file), entry: entry.source.entry };
    if (entry.helmChart) item.helmChart = { name: entry.helmChart.name, uri: pathToUri(entry.helmChart.file) };
    if (entry.value) item.value = entry.value;
    images.push(item);
  }
  return { folder: pathToUri(folder), modes, modeReasons: release.modeReasons, images, problems: release.problems.map((problem) => problem.message) };
}

export async function testImageAsCustomer(ctx: ServerContext, params: TestAsCustomerParams): Promise<TestAsCustomerResult> {
  await ctx.ready();
  const licenseId = typeof params?.licenseId === 'string' ? params.licenseId.trim() : '';
  if (licenseId === '') throw new ResponseError(ErrorCodes.InvalidParams, "replicated-registries: Test as a Customer needs the customer's license ID (vendor portal → Customers → the customer).");
  // Never logged, never in an error message: redacted from everything the server writes from now on.
  registerSecret(licenseId);
  const settings = await networkSettings(ctx);
  const uri = releaseUri(ctx, params.uri);
  const config = ctx.workspace.configFor(uri);
  const app = config.config.app;
  if (!app) throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: set app: in .replicated-registries.yaml first: the proxy path names the app (<proxy-domain>/proxy/<app>/...).');
  const image = typeof params.image === 'string' ? params.image.trim() : '';
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: ${image || '(empty)'} is not an image reference: ${parsed.error.message}.`);
  const proxyDomain = preferredCustomProxyDomain(config.config, config.defaultCustomProxyDomain) ?? DEFAULT_PROXY_DOMAIN;
  const registry = config.config.registries.find((entry) => endpointMatchesDomain(entry.endpoint, parsed.reference.domain));
  const target = customerPullTarget(image, { app, proxyDomain: normalizeHost(proxyDomain), ...(registry ? { registry } : {}) });
  if ('error' in target) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: ${target.error}.`);
  const login = { ...customerLogin(licenseId, params.customerEmail), origin: 'secret-storage' as const };
  return testAsCustomer({ checkPull: (connection, credentials, pullTarget, options) => ctx.registries.checkPull(settings, connection, credentials, pullTarget, { ...(options ?? {}), noCache: true }) }, target, login);
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
  connection.onRequest(ReleaseImagesRequest, guarded(logger, ReleaseImagesRequest.method, (params: ReleaseImagesParams) => releaseImagesOf(ctx, params)));
  connection.onRequest(TestAsCustomerRequest, guarded(logger, TestAsCustomerRequest.method, (params: TestAsCustomerParams) => testImageAsCustomer(ctx, params)));
}
