import type { Credentials, PullCheckResult, RegistryEntry } from '../registry/types';

/** The top level of `.replicated-registries.yaml` (and what the portal backend maps to). */
export interface RegistriesConfig {
  app?: string;
  /** The app's id in the vendor portal (resolved from `app` when the portal is connected): registries scoped by `appIds` match it. */
  appId?: string;
  /**
   * How customers install the app (`online`, `airgap`, `helm` for Helm CLI installs). Absent: inferred
   * from the release (air gap when a HelmChart has `builder` or templates use the local-registry
   * functions; Helm CLI for charts that depend on the Replicated SDK).
   */
  installModes?: Array<'online' | 'airgap' | 'helm'>;
  registries: RegistryEntry[];
  customDomains: { proxy: string[]; registry: string[] };
  /** Hosts or `host/repository-prefix` strings whose images need no connected registry. */
  public: string[];
  /** Per-rule severity overrides (`off|error|warning|info|hint`). */
  rules?: Record<string, string>;
}

export interface PullLogEntry {
  createdAt: string;
  action: string;
  statusCode: number | null;
  isSuccess: boolean;
  image: string | null;
}

/** Where the team's registries live: the workspace file or the vendor portal. */
export interface RegistryStore {
  readonly kind: 'workspace' | 'portal';
  list(): Promise<RegistryEntry[]>;
  /** Adds (or replaces, same slug) an entry. Workspace: metadata only; portal: credentials go to Replicated. */
  add(entry: RegistryEntry, credentials: Credentials | undefined, options?: { skipValidation?: boolean }): Promise<RegistryEntry>;
  /** Removes by slug or endpoint. Throws a clear error when nothing matches. */
  remove(nameOrEndpoint: string): Promise<RegistryEntry>;
  test(nameOrEndpoint: string, image: string): Promise<PullCheckResult>;
  logs?(nameOrEndpoint: string): Promise<PullLogEntry[]>;
}

/** The configuration of a workspace without a registries file. */
export function emptyRegistriesConfig(): RegistriesConfig {
  return { registries: [], customDomains: { proxy: [], registry: [] }, public: [] };
}
