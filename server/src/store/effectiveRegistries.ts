/**
 * The registries the language server validates against: the workspace file's, plus the vendor
 * portal's when connected, each entry marked with where it came from (hovers say so).
 *
 * Merge rules, chosen on purpose:
 * - Same slug in both: the portal's entry wins. The portal is what the Replicated proxy actually
 *   uses at install time, so a stale copy in the file must not hide what the proxy will do. The
 *   file's entry is dropped, with a warning naming it.
 * - Same endpoint, different slugs: both are kept. A team may connect one host twice (other
 *   credentials, other appIds); the rules match a reference against every entry on its host.
 * - Custom domains: the file's, then the portal app's custom hostnames, without duplicates.
 *
 * Never throws: when the portal cannot be asked (down, token rejected), the workspace file alone is used and a warning
 * says so.
 */
import type { RegistryEntry } from '../registry/types';
import type { PortalRegistryStore } from './portal/portalStore';
import type { RegistriesConfig } from './types';

export interface EffectiveRegistriesOptions {
  /** The parsed workspace file (an empty config when there is none). */
  workspaceConfig: RegistriesConfig;
  /** The vendor-portal backend, when a token is present. */
  portal?: PortalRegistryStore;
  /** The app slug or id whose custom domains apply; default: the file's `app`. */
  app?: string;
}

export interface EffectiveRegistries {
  config: RegistriesConfig;
  /** Plain-language notes for the user (portal unreachable, shadowed entries, unknown app). */
  warnings: string[];
}

export async function loadEffectiveRegistries(options: EffectiveRegistriesOptions): Promise<EffectiveRegistries> {
  const { workspaceConfig, portal } = options;
  const app = options.app?.trim() || workspaceConfig.app?.trim() || undefined;
  const warnings: string[] = [];
  const workspaceEntries: RegistryEntry[] = workspaceConfig.registries.map((entry) => ({ ...entry, source: 'workspace' }));

  let portalEntries: RegistryEntry[] = [];
  let portalDomains: { proxy: string[]; registry: string[] } = { proxy: [], registry: [] };
  let appId: string | undefined;
  if (portal) {
    // Both calls at once: the language server waits for the slower of the two, not their sum.
    const [listed, domains] = await Promise.allSettled([portal.list(), app ? portalCustomDomains(portal, app) : Promise.resolve(undefined)]);
    if (listed.status === 'fulfilled') {
      portalEntries = listed.value.map((entry) => ({ ...entry, source: 'portal' }));
    } else {
      warnings.push(`The vendor portal's registries could not be read (${reasonOf(listed.reason)}); validating against ${describeWorkspace(workspaceEntries)} only.`);
    }
    if (domains.status === 'fulfilled') {
      if (domains.value === 'unknown-app') {
        warnings.push(`No application "${app}" in the vendor portal; its custom domains are not applied. Check the app slug (\`app:\` in the registries file, or REPLICATED_APP).`);
      } else if (domains.value) {
        portalDomains = domains.value;
        appId = domains.value.appId;
      }
    } else if (listed.status === 'fulfilled') {
      // When the list failed too, one warning about the portal is enough.
      warnings.push(`The custom domains of "${app}" could not be read from the vendor portal (${reasonOf(domains.reason)}); only those in the registries file apply.`);
    }
  }

  const portalSlugs = new Set(portalEntries.map((entry) => entry.slug.toLowerCase()));
  const shadowed = workspaceEntries.filter((entry) => portalSlugs.has(entry.slug.toLowerCase()));
  for (const entry of shadowed) {
    warnings.push(`Registry "${entry.slug}" is in both the registries file and the vendor portal; using the vendor portal's (what the Replicated proxy uses).`);
  }
  const registries = [...workspaceEntries.filter((entry) => !portalSlugs.has(entry.slug.toLowerCase())), ...portalEntries];

  const config: RegistriesConfig = {
    ...workspaceConfig,
    registries,
    customDomains: {
      proxy: unionOfHosts(workspaceConfig.customDomains.proxy, portalDomains.proxy),
      registry: unionOfHosts(workspaceConfig.customDomains.registry, portalDomains.registry),
    },
    public: [...workspaceConfig.public],
  };
  if (app !== undefined) config.app = app;
  // Registries scoped to specific apps (`appIds`) are matched against this id.
  if (appId !== undefined) config.appId = appId;
  return { config, warnings };
}

async function portalCustomDomains(portal: PortalRegistryStore, app: string): Promise<{ proxy: string[]; registry: string[]; appId: string } | 'unknown-app'> {
  const appId = await portal.api.resolveAppId(app);
  if (appId === undefined) return 'unknown-app';
  const hostnames = await portal.api.customHostnames(appId);
  return { proxy: hostnames.proxy.map((h) => h.hostname), registry: hostnames.registry.map((h) => h.hostname), appId };
}

function unionOfHosts(first: readonly string[], second: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const host of [...first, ...second]) {
    const key = host.trim().toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(host.trim());
  }
  return out;
}

function describeWorkspace(entries: readonly RegistryEntry[]): string {
  return entries.length === 0 ? 'the registries file (which lists none)' : `the ${entries.length} registr${entries.length === 1 ? 'y' : 'ies'} of the registries file`;
}

/** VendorApiError messages already carry what happened and what to do, with secrets redacted. */
function reasonOf(reason: unknown): string {
  return reason instanceof Error ? reason.message.replace(/\.$/, '') : String(reason);
}
