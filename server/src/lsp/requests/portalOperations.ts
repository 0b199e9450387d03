/**
 * The vendor portal's registries, managed from the editor through the server: verifying a connection
 * before the editor keeps it, adding (the credentials go to Replicated, once, in the params), removing,
 * Replicated's server-side test and the pull logs. After a change the server reads the portal again, so
 * its diagnostics and the Registries view agree with the portal at once.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { registerSecret } from '../../log/logger';
import { isLoginConnection, type PortalConnection } from '../../protocol/messages';
import type { FoundReplicatedLogin, PortalAddRegistryParams } from '../../protocol/portalRequests';
import { appFromDotReplicated, profileOrigin, replicatedConfigPath, ReplicatedLoginError, summarizeReplicatedConfig } from '../../store/portal/replicatedLogin';
import { DEFAULT_API_ORIGIN } from '../../store/portal/vendorApiClient';
import { resolvePortalConnection } from '../portal';
import type { PullCheckResult, PullLogEntry, RegistryEntry } from '../../protocol/vocabulary';
import { PortalRegistryStore } from '../../store/portal/portalStore';
import { VendorApiError } from '../../store/portal/vendorApiClient';
import type { ClientRequestContext } from './requestContext';

function storeOrThrow(ctx: ClientRequestContext): PortalRegistryStore {
  const store = ctx.portalStore();
  if (!store) throw new ResponseError(ErrorCodes.InvalidRequest, 'replicated-registries: the vendor portal is not connected. Run "Replicated: Connect Vendor Portal" first.');
  return store;
}

/** A Vendor API failure is the user's to act on: its message, not an internal error. */
async function portalCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof VendorApiError) throw new ResponseError(ErrorCodes.InvalidRequest, `replicated-registries: ${err.message}`);
    throw err;
  }
}

export async function portalVerify(ctx: ClientRequestContext, params: { connection: PortalConnection }): Promise<{ registryCount: number }> {
  const connection = params?.connection;
  const valid =
    connection !== undefined &&
    connection !== null &&
    (isLoginConnection(connection) ? typeof connection.replicatedProfile === 'string' : typeof connection.token === 'string' && typeof connection.origin === 'string');
  if (!valid) throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: PortalVerify needs a token and an origin, or a replicated CLI profile.');
  let resolved: ReturnType<typeof resolvePortalConnection>;
  try {
    resolved = resolvePortalConnection(connection, process.env);
  } catch (err) {
    if (err instanceof ReplicatedLoginError) throw new ResponseError(ErrorCodes.InvalidRequest, `replicated-registries: ${err.message}`);
    throw err;
  }
  if (!resolved) throw new ResponseError(ErrorCodes.InvalidRequest, "replicated-registries: the replicated CLI's login holds no API token any more; run `replicated login`, or paste a token.");
  registerSecret(resolved.token);
  const store = new PortalRegistryStore({ token: resolved.token, origin: resolved.origin, logger: ctx.logger });
  const registries = await portalCall(() => store.list());
  return { registryCount: registries.length };
}

/** What `replicated login` / `replicated profile add` left on this machine, for "Connect Vendor Portal" to offer (never a token). */
export function portalFindLogin(ctx: ClientRequestContext): FoundReplicatedLogin | null {
  const env = process.env;
  const folder = ctx.workspace.folderPaths[0];
  const app = folder !== undefined ? appFromDotReplicated(folder)?.app : undefined;
  const loginOrigin = env.REPLICATED_API_ORIGIN?.trim() || DEFAULT_API_ORIGIN;
  let summary: ReturnType<typeof summarizeReplicatedConfig>;
  try {
    summary = summarizeReplicatedConfig(env);
  } catch (err) {
    if (!(err instanceof ReplicatedLoginError)) throw err;
    return { file: replicatedConfigPath(env), profiles: [], hasLoginToken: false, loginOrigin, problem: err.message, ...(app ? { app } : {}) };
  }
  if (!summary) return null;
  return {
    file: summary.path,
    profiles: summary.profiles.map((p) => ({ name: p.name, origin: profileOrigin(p), isDefault: p.name === summary.defaultProfile, hasToken: p.hasToken })),
    hasLoginToken: summary.hasLoginToken,
    loginOrigin,
    ...(app ? { app } : {}),
  };
}

export async function portalAdd(ctx: ClientRequestContext, params: PortalAddRegistryParams): Promise<RegistryEntry> {
  const store = storeOrThrow(ctx);
  if (!params?.entry || !params.credentials || typeof params.credentials.secret !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: PortalAddRegistry needs an entry and its credentials.');
  registerSecret(params.credentials.secret);
  const saved = await portalCall(() =>
    store.add({ ...params.entry, source: 'portal' }, { username: params.credentials.username, secret: params.credentials.secret, origin: 'prompt' }, { skipValidation: params.skipValidation === true }),
  );
  await ctx.refreshPortalNow();
  return saved;
}

export async function portalRemove(ctx: ClientRequestContext, params: { slug: string }): Promise<RegistryEntry> {
  const store = storeOrThrow(ctx);
  const removed = await portalCall(() => store.remove(params?.slug ?? ''));
  await ctx.refreshPortalNow();
  return removed;
}

export async function portalTest(ctx: ClientRequestContext, params: { slug: string; image: string }): Promise<PullCheckResult> {
  const store = storeOrThrow(ctx);
  return portalCall(() => store.test(params?.slug ?? '', params?.image ?? ''));
}

export async function portalPullLogs(ctx: ClientRequestContext, params: { slug: string }): Promise<PullLogEntry[]> {
  const store = storeOrThrow(ctx);
  return portalCall(() => store.logs(params?.slug ?? ''));
}
