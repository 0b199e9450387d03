/**
 * Custom LSP messages between the extension (client) and the language server, declared once.
 * Both sides import this module; it depends only on vscode-languageserver-protocol.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Credentials, PullCheckResult, RegistryEntry } from '../registry/types';
import type { RegistryTestResult } from './registryRequests';
// Types only (erased): the client bundle gets none of the engine.
import type { InstallPath, PullVia } from '../release/releaseImages';
import type { InstallMode } from '../templates/kots';

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

export type { InstallMode, PullVia };

/** A place in a workspace file (0-based), for jumping to it. */
export interface SourceLocation {
  uri: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

/** One image a release pulls in one install mode (the extension's Images view lists these, grouped by mode). */
export interface ReleaseImageItem {
  mode: InstallMode;
  /** `manifest`, `additional-image` (KOTS rewrites), `helmchart-v1beta1` (KOTS rewrites), `helmchart-v1beta2`, `helm-cli`. */
  path: InstallPath;
  /** As the release writes or renders it (absent when it could not be evaluated). */
  reference?: string;
  /** What the customer's cluster pulls (`local-registry.invalid` stands for the customer's local registry). */
  pulled?: string;
  via: PullVia;
  rewrittenByKots?: boolean;
  /** Air gap: whether the bundle (the builder render) has it. */
  inBundle?: boolean;
  note?: string;
  /** Where to jump: the image's line, or for a packaged chart's image the HelmChart line that sets or names it. */
  location: SourceLocation;
  /** A packaged chart's image: the archive and the entry it sits in. */
  archive?: { uri: string; entry: string };
  helmChart?: { name: string; uri: string };
  /** The value it comes from, e.g. `HelmChart values image.registry`. */
  value?: string;
  assumptions: Array<{ condition: string; taken: string }>;
  /** What was left unevaluated. */
  unevaluated: string[];
  /** The customer-pull findings about it (not-proxied, airgap-missing, pull-secret-missing...). */
  findings: Array<{ code: string; severity: 'error' | 'warning' | 'info' | 'hint'; message: string }>;
}

export interface ReleaseImagesParams {
  /** A file or folder of the release (default: the first workspace folder). */
  uri?: string;
  /** One install mode (default: every mode the release supports). */
  mode?: InstallMode;
}
export interface ReleaseImagesResult {
  /** The release's folder. */
  folder: string;
  modes: InstallMode[];
  /** Why each mode is checked (`installModes` in the registries file, or what in the release shows it). */
  modeReasons: Partial<Record<InstallMode, string>>;
  images: ReleaseImageItem[];
  /** Files that could not be read as charts (archives over a bound...), with the reason. */
  problems: string[];
}
/** Client → server: every image the release pulls, per install mode (the extension's Images node). */
export const ReleaseImagesRequest = new RequestType<ReleaseImagesParams, ReleaseImagesResult, void>('replicatedRegistries/releaseImages');

/**
 * Client → server: pull an image as a customer does — its proxy reference, logged in with the license
 * ID (the extension asks for it in a password box and keeps it only in SecretStorage). The server
 * never logs or stores it.
 */
export interface TestAsCustomerParams {
  /** A full reference (the upstream image, or its proxy reference). */
  image: string;
  licenseId: string;
  /** Log in as the customer's email (the documented login); default: `LICENSE_ID`, as KOTS's pull secret. */
  customerEmail?: string;
  /** A file of the release whose registries file applies (default: the first workspace folder). */
  uri?: string;
}
export interface TestAsCustomerResult extends PullCheckResult {
  /** The reference the customer pulls. */
  proxyReference: string;
}
export const TestAsCustomerRequest = new RequestType<TestAsCustomerParams, TestAsCustomerResult, void>('replicatedRegistries/testAsCustomer');

/** Server → client: the release's images changed (a HelmChart, a chart or a Config was edited): refresh the Images node. */
export const ReleaseImagesChangedNotification = new NotificationType<{ folder: string }>('replicatedRegistries/releaseImagesChanged');
