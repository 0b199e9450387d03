/**
 * Client → server requests on the team's registries in the Replicated vendor portal. The server holds
 * the connection it got from the editor (GetPortalConnectionRequest) and talks to the Vendor API; the
 * extension only shows the answers. Credentials for a portal registry go to Replicated through these
 * params and are never kept on this machine. (Issue 11's portal commands add their requests here.)
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { PortalConnection } from './messages';
import type { Credentials, PullCheckResult, PullLogEntry, RegistryEntry } from './vocabulary';

/** A profile of the `replicated` CLI's file (never its token). */
export interface FoundReplicatedProfile {
  name: string;
  /** The Vendor API origin its token is sent to. */
  origin: string;
  isDefault: boolean;
  hasToken: boolean;
}

/** What the language server found of the `replicated` CLI's login on this machine (never a token). */
export interface FoundReplicatedLogin {
  /** The file read (`~/.replicated/config.yaml` or `$XDG_CONFIG_HOME/replicated/config.yaml`). */
  file: string;
  profiles: FoundReplicatedProfile[];
  /** The file holds the token `replicated login` writes (used when no profile is the default). */
  hasLoginToken: boolean;
  /** The origin that token is sent to (REPLICATED_API_ORIGIN in the server's environment, else the default). */
  loginOrigin: string;
  /** The app of the nearest `.replicated` file of the first workspace folder, to prefill. */
  app?: string;
  /** Set instead when the file exists but cannot be used: what is wrong with it. */
  problem?: string;
}

/** "Connect Vendor Portal" asks what `replicated login` / `replicated profile add` left on this machine; null when nothing. */
export const PortalFindLoginRequest = new RequestType<Record<string, never>, FoundReplicatedLogin | null, void>('replicatedRegistries/portalFindLogin');

/** Checks a connection before the editor keeps it (a pasted token travels in the params, once; a login connection carries none). */
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
