/**
 * What the client's management requests need beyond the feature handlers' ServerContext: the vendor
 * portal's store (when one is connected), a way to make the portal's list fresh after a change, and why
 * registry checks are off. The service implements it.
 */
import type { PortalRegistryStore } from '../../store/portal/portalStore';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { uriToPath } from '../convert';

export interface ClientRequestContext extends ServerContext {
  /** The connected vendor portal's store, or undefined. */
  portalStore(): PortalRegistryStore | undefined;
  /** Reads the portal again now and re-validates (after an add or a remove through the editor). */
  refreshPortalNow(): Promise<void>;
  /** Why registry checks are off (Restricted Mode, offline, remoteChecks off), or undefined when on. */
  checksOffReason(): Promise<string | undefined>;
}

/** The workspace folder a request is about: the one named, else the first; a clear error without one. */
export function folderFor(ctx: ServerContext, folderUri: string | undefined): string {
  const folders = ctx.workspace.folderPaths;
  const named = folderUri !== undefined ? uriToPath(folderUri) : undefined;
  if (named !== undefined && folders.includes(named)) return named;
  const first = folders[0];
  if (first === undefined) throw new ResponseError(ErrorCodes.InvalidRequest, "replicated-registries: open the folder of your application first: its registries are kept in .replicated-registries.yaml at the folder's root.");
  return first;
}
