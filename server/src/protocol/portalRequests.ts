/**
 * Client → server requests on the team's registries in the Replicated vendor portal. The server holds
 * the connection it got from the editor (GetPortalConnectionRequest) and talks to the Vendor API; the
 * extension only shows the answers. Credentials for a portal registry go to Replicated through these
 * params and are never kept on this machine. (Issue 11's portal commands add their requests here.)
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { PortalConnection } from './messages';
import type { Credentials, PullCheckResult, PullLogEntry, RegistryEntry } from './vocabulary';

/** Checks a connection before the editor keeps it (the token travels in the params, once). */
export const PortalVerifyRequest = new RequestType<{ connection: PortalConnection }, { registryCount: number }, void>('replicatedRegistries/portalVerify');

export interface PortalAddRegistryParams {
  entry: RegistryEntry;
  credentials: Pick<Credentials, 'username' | 'secret'>;
  skipValidation?: boolean;
}
export const PortalAddRegistryRequest = new RequestType<PortalAddRegistryParams, RegistryEntry, void>('replicatedRegistries/portalAddRegistry');
export const PortalRemoveRegistryRequest = new RequestType<{ slug: string }, RegistryEntry, void>('replicatedRegistries/portalRemoveRegistry');
export const PortalTestRegistryRequest = new RequestType<{ slug: string; image: string }, PullCheckResult, void>('replicatedRegistries/portalTestRegistry');
export const PortalPullLogsRequest = new RequestType<{ slug: string }, PullLogEntry[], void>('replicatedRegistries/portalPullLogs');
