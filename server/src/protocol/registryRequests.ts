/**
 * Client → server requests that manage the team's registries: the provider catalog, checking and
 * testing a registry that is not saved yet (a *draft*, with transient credentials), probing what a host
 * speaks, the edits that save or remove one (as LSP WorkspaceEdits the editor applies to its buffer, so
 * undo and unsaved changes keep working), the overview the Registries view shows, and browsing a
 * registry (its catalog, a tag's details). Declared once; both sides import this module.
 *
 * Secrets: a draft test's credentials travel only in these requests' params over the LSP pipe, never
 * in a process argument; the server registers them for redaction before anything else and sends them
 * only to the draft's own host.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Credentials, ProviderRecord, PullCheckResult, RegistryEntry, RegistryHealth, Verdict } from './vocabulary';

export type { RegistryHealth };

/** The provider catalog (registry/providers/catalog.ts), in the wizard's order. */
export interface ProviderCatalog {
  providers: ProviderRecord[];
}
export const ProviderCatalogRequest = new RequestType<Record<string, never>, ProviderCatalog, void>('replicatedRegistries/providerCatalog');

/** A registry as the wizard has it so far. */
export type RegistryDraft = Partial<Omit<RegistryEntry, 'source' | 'problem'>>;

/** The fields of a draft the server can judge. */
export type DraftField = 'provider' | 'endpoint' | 'slug' | 'authType' | 'username' | 'secret';

export interface CheckRegistryDraftParams {
  draft: RegistryDraft;
  /** The registry being edited (its own name is not "taken"). */
  originalSlug?: string;
  /** A service-account key file's content, when the wizard has one to check (a secret: never logged). */
  serviceAccountKey?: string;
}
export interface CheckRegistryDraftResult {
  /** What is wrong with each field, in the wizard's words; absent fields are fine. */
  problems: Partial<Record<DraftField, string>>;
  /** A free name for the draft's endpoint. */
  suggestedSlug: string;
  /** The host credentials for the draft are bound to (hostBinding.ts): consent to insecure options is remembered by it. */
  host: string;
  /** Images the workspace references on the draft's host, relative to it (test suggestions), with where each is used. */
  workspaceImages: { image: string; uri: string; line: number }[];
}
export const CheckRegistryDraftRequest = new RequestType<CheckRegistryDraftParams, CheckRegistryDraftResult, void>('replicatedRegistries/checkRegistryDraft');

/** What the wizard should offer after a failed test, and why, in the wizard's own terms. */
export interface DraftAdvice {
  /** The step that can fix it. */
  change: 'connection' | 'credentials' | 'endpoint' | 'image' | 'none';
  text: string;
}

/** A test's answer: the image's verdict, and what it says about the registry. */
export interface RegistryTestResult extends PullCheckResult {
  health: RegistryHealth;
  advice?: DraftAdvice;
}

export interface TestRegistryDraftParams {
  draft: RegistryEntry;
  /** Exactly the login the draft would save (its username, and a new or the kept secret); null = anonymous. */
  credentials: Pick<Credentials, 'username' | 'secret'> | null;
  /** Relative to the registry (`acme/app:1.0`) or a full reference on its host. */
  image: string;
  /** The workspace folder whose registries file a relative caFile is relative to. */
  folderUri?: string;
}
export const TestRegistryDraftRequest = new RequestType<TestRegistryDraftParams, RegistryTestResult, void>('replicatedRegistries/testRegistryDraft');

/** What a host answers on: HTTPS first, then plain HTTP, as Docker tries an insecure registry. */
export interface ProbeRegistryParams {
  endpoint: string;
  provider: RegistryEntry['provider'];
}
export interface ProbeRegistryResult {
  /** The scheme that answered `GET /v2/`, if any. */
  answeredOver?: 'https' | 'http';
  /** For HTTPS: whether this machine trusts its certificate. */
  tls?: 'verified' | 'untrusted';
  /** One sentence: which one answered, and how. */
  message: string;
  /** The connection options the host needs, to preselect in the wizard. */
  suggested: { plainHttp?: boolean; caFile?: boolean };
}
export const ProbeRegistryRequest = new RequestType<ProbeRegistryParams, ProbeRegistryResult, void>('replicatedRegistries/probeRegistry');

export interface SaveRegistryParams {
  /** Metadata only: the server writes the known, non-secret fields. */
  entry: RegistryEntry;
  /** The name it had, when it is renamed (or replaced). */
  previousSlug?: string;
  /** The workspace folder whose registries file applies (default: the first folder). */
  folderUri?: string;
}
export interface RegistryFileEdit {
  /** The registries file edited (created when it did not exist). */
  uri: string;
  /** Apply with the editor's workspace edit, then save the document. Empty when nothing changes. */
  edit: WorkspaceEdit;
  created: boolean;
}
export const SaveRegistryRequest = new RequestType<SaveRegistryParams, RegistryFileEdit, void>('replicatedRegistries/saveRegistry');

export const RemoveRegistryRequest = new RequestType<{ slug: string }, RegistryFileEdit, void>('replicatedRegistries/removeRegistry');

/** One registry in the Registries view, with everything the view says about it. */
export interface RegistryState extends RegistryEntry {
  /** The registries file it comes from (workspace entries). */
  file?: string;
  credentials: {
    state: 'found' | 'none' | 'withheld' | 'not-asked';
    /** Where they come from (never the secret). */
    origin?: NonNullable<Credentials['origin']>;
    /** Why they are withheld or not asked for, in words. */
    reason?: string;
  };
  health?: RegistryHealth;
}

/** One problem of a registries file, for the view's "file has problems" row. */
export interface RegistriesFileProblem {
  message: string;
  severity: 'error' | 'warning';
  /** 0-based. */
  line: number;
  character: number;
}

export interface RegistriesFileState {
  uri: string;
  exists: boolean;
  problems: RegistriesFileProblem[];
}

export interface RegistriesOverview {
  registries: RegistryState[];
  /** The registries file of each workspace folder (where a new one would go when it does not exist). */
  files: RegistriesFileState[];
  /** Registry checks are off, and why (Restricted Mode, offline, remoteChecks off); absent when on. */
  checksOff?: string;
  portal: { connected: boolean; warnings: string[] };
}
export const RegistriesOverviewRequest = new RequestType<Record<string, never>, RegistriesOverview, void>('replicatedRegistries/registriesOverview');

/** A page of a registry's catalog (`/v2/_catalog`); `unsupported` when the registry does not offer one. */
export interface ListRepositoriesParams {
  slug: string;
  cursor?: string;
  pageSize?: number;
}
export interface ListRepositoriesResult {
  repositories: string[];
  cursor?: string;
  unsupported?: boolean;
  error?: { verdict: Verdict; message: string; hint?: string };
}
export const ListRepositoriesRequest = new RequestType<ListRepositoriesParams, ListRepositoriesResult, void>('replicatedRegistries/listRepositories');

/** A tag's digest, and its age where the registry tells it cheaply (the image config's `created`). */
export interface TagDetailsParams {
  slug: string;
  repository: string;
  tag: string;
}
export interface TagDetails {
  digest?: string;
  mediaType?: string;
  /** ISO time the image was built, when its config says. */
  created?: string;
  platforms?: string[];
  error?: { verdict: Verdict; message: string; hint?: string };
}
export const TagDetailsRequest = new RequestType<TagDetailsParams, TagDetails, void>('replicatedRegistries/tagDetails');
