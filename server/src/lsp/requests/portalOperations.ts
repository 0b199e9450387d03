/**
 * The vendor portal's registries, managed from the editor through the server: verifying a connection
 * before the editor keeps it, adding (the credentials go to Replicated, once, in the params), removing,
 * Replicated's server-side test and the pull logs. After a change the server reads the portal again, so
 * its diagnostics and the Registries view agree with the portal at once.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { registerSecret } from '../../log/logger';
import type { PortalConnection } from '../../protocol/messages';
import type { PortalAddRegistryParams } from '../../protocol/portalRequests';
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
  if (!connection || typeof connection.token !== 'string' || typeof connection.origin !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: PortalVerify needs a token and an origin.');
  registerSecret(connection.token);
  const store = new PortalRegistryStore({ token: connection.token, origin: connection.origin, logger: ctx.logger });
  const registries = await portalCall(() => store.list());
  return { registryCount: registries.length };
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
