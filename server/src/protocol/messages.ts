/**
 * Custom LSP messages between the extension (client) and the language server, declared once.
 * Both sides import this module; it depends only on vscode-languageserver-protocol.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Credentials, PullCheckResult, RegistryEntry } from '../registry/types';
import type { RegistryTestResult } from './registryRequests';

/** Server → client: the credentials for one registry, from SecretStorage. `null` when this user has none. */
export interface CredentialsParams {
  slug: string;
  endpoint: string;
}
export interface CredentialsResult {
  username: string;
  secret: string;
}
export const GetCredentialsRequest = new RequestType<CredentialsParams, CredentialsResult | null, void>(
  'replicatedRegistries/getCredentials',
);

/**
 * Server → client: may this user's credentials for `host` be used with the insecure connection options the
 * registries file sets for `slug` (plain HTTP, or TLS not verified)? A committed file must not switch them on
 * for a stored secret by itself. The client answers at once with what the user chose on this machine; when
 * the user has not chosen yet, it asks without waiting, answers `allowed: false`, and sends
 * CredentialsChangedNotification for `slug` once the user allows it. Sent only when the client advertised
 * `insecureConsentProvider` in its initialization options.
 */
export interface AllowInsecureConnectionParams {
  slug: string;
  /** The registry host, normalised (hostBinding.ts): what the choice is remembered by. */
  host: string;
  plainHttp: boolean;
  insecureSkipTLSVerify: boolean;
}
export const AllowInsecureConnectionRequest = new RequestType<AllowInsecureConnectionParams, { allowed: boolean }, void>('replicatedRegistries/allowInsecureConnection');

/** Client → server: the secret for a registry changed (added, re-entered, removed): drop cached tokens and re-check. */
export const CredentialsChangedNotification = new NotificationType<{ slug: string }>('replicatedRegistries/credentialsChanged');

/** Client → server: run the pull check for one image against one registry. */
export interface TestRegistryParams {
  slug: string;
  /** Relative to the registry (`acme/app:1.0`) or a full reference on that host. */
  image: string;
}
/** The image's verdict, and what it says about the registry (`health`). */
export const TestRegistryRequest = new RequestType<TestRegistryParams, RegistryTestResult, void>('replicatedRegistries/testRegistry');

/** An image reference found in the workspace, for the Registries tree and completion. */
export interface WorkspaceImage {
  uri: string;
  /** 0-based position of the reference. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  /** As written. */
  text: string;
  /** Normalized domain/path/tag/digest (absent when the reference is a template or invalid). */
  domain?: string;
  path?: string;
  tag?: string | null;
  digest?: string | null;
  /** The team registry slug this reference resolves to, if any. */
  registrySlug?: string;
}
export const WorkspaceImagesRequest = new RequestType<Record<string, never>, WorkspaceImage[], void>(
  'replicatedRegistries/workspaceImages',
);

/** Client → server: a page of tags of one repository. */
export interface ListTagsParams {
  slug: string;
  repository: string;
  /** Opaque cursor from a previous page (the `last` tag), absent for the first page. */
  cursor?: string;
  pageSize?: number;
}
export interface ListTagsResult {
  tags: string[];
  /** Present when there are more pages. */
  cursor?: string;
  error?: { verdict: PullCheckResult['verdict']; message: string; hint?: string };
}
export const ListTagsRequest = new RequestType<ListTagsParams, ListTagsResult, void>('replicatedRegistries/listTags');

/** Client → server: the registries the server validates against (workspace file ∪ portal), with last verdicts. */
export interface RegistryStatus extends RegistryEntry {
  hasCredentials: boolean;
  /** Where the server found them (never the secret): lets the extension say "from Docker config" / "from the environment". */
  credentialsOrigin?: Credentials['origin'];
  lastCheck?: PullCheckResult;
}
export const ListRegistriesRequest = new RequestType<Record<string, never>, RegistryStatus[], void>(
  'replicatedRegistries/listRegistries',
);

/** Server → client: the registries file or their statuses changed; the tree should refresh. */
export const RegistriesChangedNotification = new NotificationType<Record<string, never>>('replicatedRegistries/registriesChanged');

/** Server → client: a short status for the language status item. */
export interface ServerStatusParams {
  state: 'idle' | 'checking' | 'offline' | 'error';
  message: string;
}
export const ServerStatusNotification = new NotificationType<ServerStatusParams>('replicatedRegistries/status');

/** Command ids the server's code actions ask the client to run (the client implements them). */
export const ClientCommands = {
  addRegistry: 'replicated-registries.addRegistry',
} as const;

/** Arguments of `addRegistry` when a quick fix prefills it. */
export interface AddRegistryPrefill {
  provider: RegistryEntry['provider'];
  endpoint: string;
  image?: string;
}

/**
 * Server → client: the vendor-portal connection the user made in VS Code ("Replicated: Connect
 * Vendor Portal"), read from SecretStorage. `null` when not connected or the workspace is not
 * trusted. The server builds a PortalRegistryStore from it and validates against workspace ∪ portal.
 */
export interface PortalConnection {
  /** The Replicated API token (sent raw in `Authorization`, no "Bearer"). Never log it. */
  token: string;
  /** Vendor API origin, e.g. https://api.replicated.com/vendor. */
  origin: string;
  /** The app slug whose custom domains apply, when the user gave one. */
  app?: string;
}
export const GetPortalConnectionRequest = new RequestType<Record<string, never>, PortalConnection | null, void>(
  'replicatedRegistries/getPortalConnection',
);

/** Client → server: the portal was connected, disconnected or its registries changed: ask again and re-validate. */
export const PortalConnectionChangedNotification = new NotificationType<Record<string, never>>(
  'replicatedRegistries/portalConnectionChanged',
);
