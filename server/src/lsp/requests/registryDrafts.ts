/**
 * The wizard's questions about a registry that is not saved yet: the provider catalog, what is wrong
 * with each field (one rule with the registries file and the CLI: the catalog, registryName.ts), which
 * scheme its host answers on, and the pull check of the draft with exactly the login it would save —
 * gated like every credential (host-bound, insecure options only with consent) and answered with advice
 * in the wizard's own words.
 */
import path from 'node:path';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { registerSecret } from '../../log/logger';
import type {
  CheckRegistryDraftParams,
  CheckRegistryDraftResult,
  DraftAdvice,
  ProbeRegistryParams,
  ProbeRegistryResult,
  ProviderCatalog,
  RegistryTestResult,
  TestRegistryDraftParams,
} from '../../protocol/registryRequests';
import { credentialHost } from '../../registry/credentials/hostBinding';
import { endpointMatchesDomain, resolveTestImage } from '../../registry/endpoints';
import { healthOf } from '../../registry/health';
import { authOptionOf, endpointProblemFor, isAuthTypeAllowed, PROVIDER_ORDER, providerRecord } from '../../registry/providers/catalog';
import { serviceAccountKeyProblem } from '../../registry/providers/google';
import { PROVIDERS, type Credentials, type Provider, type PullCheckResult, type RegistryEntry } from '../../registry/types';
import { locateRegistriesFile } from '../../store/registriesFile/location';
import { slugProblem, suggestSlug } from '../../store/registryName';
import type { ServerContext } from '../context';
import { folderFor } from './requestContext';

export function providerCatalog(): ProviderCatalog {
  return { providers: PROVIDER_ORDER.map(providerRecord) };
}

function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export async function checkRegistryDraft(ctx: ServerContext, params: CheckRegistryDraftParams): Promise<CheckRegistryDraftResult> {
  await ctx.ready();
  const draft = params?.draft ?? {};
  const problems: CheckRegistryDraftResult['problems'] = {};
  const provider = isProvider(draft.provider) ? draft.provider : undefined;
  if (draft.provider !== undefined && !provider) problems.provider = `"${String(draft.provider)}" is not a provider: pick one of the list.`;
  const record = providerRecord(provider ?? 'other');
  const endpoint = record.fixedEndpoint ?? draft.endpoint ?? '';
  if (provider && draft.endpoint !== undefined) {
    const problem = endpointProblemFor(provider, draft.endpoint);
    if (problem) problems.endpoint = problem;
  }
  const taken = ctx.workspace.allRegistries().map((entry) => entry.slug).filter((slug) => slug !== params.originalSlug);
  if (draft.slug !== undefined) {
    const problem = slugProblem(draft.slug, taken);
    if (problem) problems.slug = problem;
  }
  if (provider && draft.authType !== undefined && !isAuthTypeAllowed(provider, draft.authType)) {
    problems.authType = `${record.label} does not log in with ${draft.authType}: pick one of ${record.authOptions.map((option) => option.label).join(', ')}.`;
  }
  if (provider && draft.username !== undefined) {
    const option = authOptionOf(provider, draft.authType);
    if (!option.fixedUsername && draft.username.trim() === '') problems.username = `Enter the ${(option.usernamePrompt ?? 'username').toLowerCase()}.`;
  }
  if (typeof params.serviceAccountKey === 'string') {
    registerSecret(params.serviceAccountKey);
    const problem = serviceAccountKeyProblem(params.serviceAccountKey);
    if (problem) problems.secret = problem;
  }
  return { problems, suggestedSlug: suggestSlug(provider ?? 'other', endpoint, taken), host: endpoint ? credentialHost(endpoint) : '', workspaceImages: endpoint && !problems.endpoint ? imagesOnHost(ctx, endpoint) : [] };
}

/** The workspace's references on `endpoint`'s host, relative to it, once each (with the first place each is used). */
function imagesOnHost(ctx: ServerContext, endpoint: string): CheckRegistryDraftResult['workspaceImages'] {
  const seen = new Set<string>();
  const out: CheckRegistryDraftResult['workspaceImages'] = [];
  for (const image of ctx.workspace.allImages()) {
    if (!image.domain || !image.path || !endpointMatchesDomain(endpoint, image.domain)) continue;
    const relative = `${image.path}${image.digest ? `@${image.digest}` : `:${image.tag ?? 'latest'}`}`;
    if (seen.has(relative)) continue;
    seen.add(relative);
    out.push({ image: relative, uri: image.uri, line: image.line });
  }
  return out;
}

/** The draft's connection, with a relative caFile resolved against the folder's registries file. */
function draftConnection(ctx: ServerContext, draft: RegistryEntry, folderUri: string | undefined): RegistryEntry {
  const entry: RegistryEntry = { ...draft };
  delete entry.problem;
  if (entry.caFile && !path.isAbsolute(entry.caFile)) {
    const file = ctx.workspace.fileOfRegistry(draft.slug) ?? locateRegistriesFile(folderFor(ctx, folderUri)).filePath;
    entry.caFile = path.resolve(path.dirname(file), entry.caFile);
  }
  return entry;
}

/** The next step after a test, in the wizard's words (its steps and options, not file keys or CLI flags). */
export function adviceFor(result: PullCheckResult, entry: RegistryEntry, repository: string): DraftAdvice | undefined {
  const host = entry.endpoint;
  switch (result.connectionProblem) {
    case 'not-tls':
      return { change: 'connection', text: `${host} answers only plain HTTP: choose "Change connection options" and check "Use plain HTTP".` };
    case 'https-only':
      return { change: 'connection', text: `${host} speaks HTTPS: choose "Change connection options" and uncheck "Use plain HTTP".` };
    case 'tls-untrusted':
      return { change: 'connection', text: `This machine does not trust the certificate of ${host}: choose "Change connection options" and pick "Trust a CA certificate file…" with your CA's PEM file (for a throwaway registry only: "Skip TLS certificate verification").` };
    default:
      break;
  }
  switch (result.verdict) {
    case 'ok':
      return undefined;
    case 'unauthorized':
      return result.anonymous
        ? { change: 'credentials', text: `${host} needs a login for ${repository}: choose "Change the credentials" and enter them.` }
        : { change: 'credentials', text: `${host} rejected the login: choose "Change the credentials" and enter the username and secret again.` };
    case 'denied':
      return { change: 'credentials', text: `The login works, but it may not pull ${repository}: give that account read access on the registry, or choose "Change the credentials" for one that has it.` };
    case 'repository-not-found':
    case 'tag-not-found':
      return { change: 'image', text: `The registry answered and took the login; ${result.image} is not there. Choose "Test another image", or "Save anyway".` };
    case 'unreachable':
    case 'timeout':
      return { change: 'endpoint', text: `Nothing answered at ${host}: check the endpoint (host and port) and that the registry is running, then test again.` };
    case 'tls-untrusted':
      return { change: 'connection', text: `The TLS connection to ${host} failed: choose "Change connection options".` };
    case 'rate-limited':
      return { change: 'none', text: 'The registry asks to wait before the next request: test again in a moment, or save and test later.' };
    case 'protocol-error':
      return { change: 'endpoint', text: `${host} did not answer as a registry does: check the endpoint (it should be the registry's own host, without a path).` };
  }
}

export async function testRegistryDraft(ctx: ServerContext, params: TestRegistryDraftParams): Promise<RegistryTestResult> {
  await ctx.ready();
  const draft = params?.draft;
  if (!draft || !isProvider(draft.provider) || typeof draft.endpoint !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: TestRegistryDraft needs a draft with a provider and an endpoint.');
  const endpointProblem = endpointProblemFor(draft.provider, draft.endpoint);
  if (endpointProblem) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: ${endpointProblem}`);
  if (!ctx.init.trusted) throw new ResponseError(ErrorCodes.InvalidRequest, 'replicated-registries: this workspace is not trusted, so no registry is contacted; trust the workspace to test registries.');
  const settings = await ctx.settings.get(undefined);
  const target = resolveTestImage(draft, typeof params.image === 'string' ? params.image : '');
  if ('error' in target) throw new ResponseError(ErrorCodes.InvalidParams, target.error);
  const given = params.credentials;
  let credentials: Credentials | undefined;
  if (given && typeof given.username === 'string' && typeof given.secret === 'string' && given.secret !== '') {
    registerSecret(given.secret);
    credentials = { username: given.username, secret: given.secret, origin: 'prompt' };
  }
  const connection = draftConnection(ctx, draft, params.folderUri);
  const answer = await ctx.credentials.gateGiven(connection, credentials);
  ctx.registries.invalidate(connection.endpoint);
  const result = await ctx.registries.checkPull(settings, connection, answer.credentials, target, { noCache: true, readPlatforms: true });
  const message = answer.withheld === undefined ? result.message : `${result.message} Your credentials were not used: ${answer.withheld}.`;
  const health = healthOf(result, connection.endpoint, 'test');
  const advice = adviceFor(result, connection, target.repository);
  return { ...result, message, health, ...(advice ? { advice } : {}) };
}

export async function probeRegistry(ctx: ServerContext, params: ProbeRegistryParams): Promise<ProbeRegistryResult> {
  await ctx.ready();
  if (!params || !isProvider(params.provider) || typeof params.endpoint !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: ProbeRegistry needs an endpoint and a provider.');
  const problem = endpointProblemFor(params.provider, params.endpoint);
  if (problem) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: ${problem}`);
  if (!ctx.init.trusted) return { message: 'Restricted Mode: the registry was not contacted.', suggested: {} };
  const settings = await ctx.settings.get(undefined);
  const host = params.endpoint.trim();
  const outcome = await ctx.registries.clientFor(settings).probe({ provider: params.provider, endpoint: host });
  if (outcome.answeredOver === 'http') return { answeredOver: 'http', message: `${host} answered over plain HTTP (HTTPS did not: ${outcome.failure?.message ?? 'no TLS'}).`, suggested: { plainHttp: true } };
  if (outcome.answeredOver === 'https' && outcome.tls === 'untrusted') {
    return { answeredOver: 'https', tls: 'untrusted', message: `${host} answered over HTTPS with a certificate this machine does not trust (${outcome.failure?.message ?? 'untrusted'}).`, suggested: { caFile: true } };
  }
  if (outcome.answeredOver === 'https') return { answeredOver: 'https', tls: 'verified', message: `${host} answered over HTTPS.`, suggested: {} };
  return { message: `${host} did not answer over HTTPS or plain HTTP: ${outcome.failure?.message ?? 'no answer'}`, suggested: {} };
}
