/**
 * Finding the vendor portal the way the `replicated` CLI does (replicatedhq/replicated: cli/cmd/root.go,
 * pkg/credentials/credentials.go and types/types.go, pkg/tools/config.go), so a vendor who ran
 * `replicated login` or `replicated profile add` needs nothing else.
 *
 * The API token, in the CLI's order:
 *   1. `--token` (the flag; it leaks into shell history, so REPLICATED_API_TOKEN or a profile is preferred),
 *   2. REPLICATED_API_TOKEN — it wins over `--profile` too, as in `replicated` (callers say so),
 *   3. the profile named by `--profile`, else the file's `defaultProfile`,
 *   4. the file's top-level `token`, which is what `replicated login` writes.
 * The file: `~/.replicated/config.yaml` when it exists (the legacy place), else
 * `$XDG_CONFIG_HOME/replicated/config.yaml` (XDG defaults: Linux `~/.config`, macOS
 * `~/Library/Application Support`, Windows `%LOCALAPPDATA%`). Despite the name it holds JSON:
 * `{"token": "..."}` from `replicated login`, or `{"profiles": {"NAME": {"apiToken", "apiOrigin"?,
 * "registryOrigin"?, "namespace"?}}, "defaultProfile": "NAME"}` from `replicated profile add`.
 * A profile's token is sent only to that profile's origin (`apiOrigin`, the okteto origin of its
 * `namespace`, else the default), as the CLI does; REPLICATED_API_ORIGIN applies to the others.
 *
 * Deliberate difference: `--profile NAME` naming no profile is an error here; `replicated` silently
 * falls back to the login token, which would act for another account than the one asked for.
 *
 * The file is the user's own (never a workspace file); it is read, bounded, and never written.
 *
 * The app, in the CLI's order: `--app`, REPLICATED_APP, then `appSlug` / `appId` of the nearest
 * `.replicated` (or `.replicated.yaml`) file from the current folder up (a nearer file's value wins).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { registerSecret } from '../../log/logger';
import { BoundedReadError, readRegularFileSync } from '../../limits/boundedFiles';
import { yamlLibrary } from '../../yaml/library';
import { DEFAULT_API_ORIGIN } from './vendorApiClient';

/** The `replicated` CLI's file is a few hundred bytes; anything past this is not it. */
const MAX_CONFIG_BYTES = 256 * 1024;
/** `.replicated` files hold lint settings and chart lists besides the app: larger, still small. */
const MAX_DOT_REPLICATED_BYTES = 1024 * 1024;

export type Environment = Record<string, string | undefined>;

/** Something the user must fix in what they gave (exit 2 in the CLI). */
export class ReplicatedLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicatedLoginError';
  }
}

export interface ReplicatedProfile {
  name: string;
  apiOrigin?: string;
  namespace?: string;
  hasToken: boolean;
}

/** What the `replicated` CLI's file offers (never the token itself). */
export interface ReplicatedConfigSummary {
  path: string;
  profiles: ReplicatedProfile[];
  defaultProfile?: string;
  /** A top-level token, as `replicated login` writes it. */
  hasLoginToken: boolean;
}

/** Where the API token came from, for messages (`ls` says it) — never the token. */
export type ApiTokenSource = 'flag' | 'stdin' | 'environment' | 'profile' | 'login';

export interface ApiTokenChoice {
  token: string;
  origin: string;
  source: ApiTokenSource;
  /** The profile used (source `profile`). */
  profile?: string;
  /** The `replicated` file read (sources `profile` and `login`). */
  file?: string;
  /** REPLICATED_API_TOKEN won over the `--profile` the user named, as in `replicated`. */
  overrodeProfile?: string;
}

/** The file `replicated login` writes on this machine: the legacy path when it exists, else the XDG one. */
export function replicatedConfigPath(env: Environment, platform: NodeJS.Platform = process.platform, exists: (p: string) => boolean = fileExists): string {
  const home = env.HOME || env.USERPROFILE || homedir();
  const legacy = path.join(home, '.replicated', 'config.yaml');
  if (exists(legacy)) return legacy;
  return path.join(xdgConfigHome(env, home, platform), 'replicated', 'config.yaml');
}

/** adrg/xdg's ConfigHome: XDG_CONFIG_HOME when set, else the platform's default. */
function xdgConfigHome(env: Environment, home: string, platform: NodeJS.Platform): string {
  const fromEnv = env.XDG_CONFIG_HOME?.trim();
  if (fromEnv && path.isAbsolute(fromEnv)) return fromEnv;
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  if (platform === 'win32') return env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
  return path.join(home, '.config');
}

/** As the CLI's os.Stat: anything there decides the path (a file that cannot be used is said so when read). */
function fileExists(p: string): boolean {
  return existsSync(p);
}

interface RawConfig {
  token?: unknown;
  profiles?: Record<string, { apiToken?: unknown; apiOrigin?: unknown; namespace?: unknown } | null> | null;
  defaultProfile?: unknown;
}

/** Reads the `replicated` file; undefined when there is none. Throws ReplicatedLoginError when it cannot be used. */
function readConfig(file: string): RawConfig | undefined {
  let text: string;
  try {
    text = readRegularFileSync(file, MAX_CONFIG_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof BoundedReadError && err.code === 'ENOENT') return undefined;
    throw new ReplicatedLoginError(`${file} (the replicated CLI's login) cannot be read: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The CLI reads it with encoding/json too, so a file it cannot read is not a login for it either.
    throw new ReplicatedLoginError(`${file} is not the JSON the replicated CLI writes; run \`replicated login\` again, or pass the token in REPLICATED_API_TOKEN`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ReplicatedLoginError(`${file} is not the JSON object the replicated CLI writes; run \`replicated login\` again`);
  }
  return parsed;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function profilesOf(raw: RawConfig): ReplicatedProfile[] {
  const profiles = raw.profiles && typeof raw.profiles === 'object' ? raw.profiles : {};
  return Object.entries(profiles)
    .filter(([, p]) => p && typeof p === 'object')
    .map(([name, p]) => {
      const apiOrigin = text(p?.apiOrigin);
      const namespace = text(p?.namespace);
      return { name, hasToken: text(p?.apiToken) !== undefined, ...(apiOrigin ? { apiOrigin } : {}), ...(namespace ? { namespace } : {}) };
    });
}

/** What the `replicated` file offers, without the token (for the editor's Connect Vendor Portal). */
export function summarizeReplicatedConfig(env: Environment, platform: NodeJS.Platform = process.platform): ReplicatedConfigSummary | undefined {
  const file = replicatedConfigPath(env, platform);
  const raw = readConfig(file);
  if (!raw) return undefined;
  const defaultProfile = text(raw.defaultProfile);
  return { path: file, profiles: profilesOf(raw), ...(defaultProfile ? { defaultProfile } : {}), hasLoginToken: text(raw.token) !== undefined };
}

/** The Vendor API origin for a profile, as `replicated` resolves it (pkg/credentials/origins.go). */
export function profileOrigin(profile: Pick<ReplicatedProfile, 'apiOrigin' | 'namespace'>): string {
  if (profile.namespace) return `https://vendor-api-${profile.namespace}.okteto.repldev.com`;
  return (profile.apiOrigin ?? DEFAULT_API_ORIGIN).replace(/\/+$/, '');
}

export interface ResolveTokenOptions {
  /** `--token` / `--api-token` (already read from stdin when `--api-token-stdin`: then `fromStdin`). */
  flagToken?: string;
  fromStdin?: boolean;
  /** `--profile NAME`. */
  profile?: string;
  env: Environment;
  platform?: NodeJS.Platform;
}

/** The API token and its origin the way `replicated` finds them, or undefined when there is none. */
export function resolveApiToken(options: ResolveTokenOptions): ApiTokenChoice | undefined {
  const { env } = options;
  const originFromEnv = env.REPLICATED_API_ORIGIN?.trim() || DEFAULT_API_ORIGIN;
  const wanted = options.profile?.trim() || undefined;
  if (options.flagToken !== undefined) return remember({ token: options.flagToken, origin: originFromEnv, source: options.fromStdin === true ? 'stdin' : 'flag' });
  const fromEnv = env.REPLICATED_API_TOKEN?.trim();
  if (fromEnv) return remember({ token: fromEnv, origin: originFromEnv, source: 'environment', ...(wanted ? { overrodeProfile: wanted } : {}) });

  return tokenFromReplicatedLogin(wanted, env, options.platform);
}

/**
 * The token of the `replicated` CLI's file alone (no flag, no environment): profile `wanted`, else the
 * default profile, else the token `replicated login` wrote. The editor's "Connect Vendor Portal" uses
 * this for the profile the user picked, so the token stays in that file and the editor never holds it.
 */
export function tokenFromReplicatedLogin(wanted: string | undefined, env: Environment, platform?: NodeJS.Platform): ApiTokenChoice | undefined {
  const originFromEnv = env.REPLICATED_API_ORIGIN?.trim() || DEFAULT_API_ORIGIN;
  const file = replicatedConfigPath(env, platform);
  const raw = readConfig(file);
  if (!raw) {
    if (wanted) throw new ReplicatedLoginError(`profile "${wanted}": there is no replicated CLI login on this machine (${file}); run \`replicated profile add ${wanted}\`, or set REPLICATED_API_TOKEN`);
    return undefined;
  }
  const profileName = wanted ?? text(raw.defaultProfile);
  if (profileName !== undefined) {
    const profile = raw.profiles && typeof raw.profiles === 'object' ? raw.profiles[profileName] : undefined;
    if (profile && typeof profile === 'object') {
      const token = text(profile.apiToken);
      if (!token) throw new ReplicatedLoginError(`profile "${profileName}" in ${file} has no API token; run \`replicated profile edit ${profileName} --token ...\` (or \`replicated profile add\`)`);
      const summary = profilesOf({ profiles: { [profileName]: profile } })[0] ?? { name: profileName, hasToken: true };
      return remember({ token, origin: profileOrigin(summary), source: 'profile', profile: profileName, file });
    }
    if (wanted) {
      const known = profilesOf(raw).map((p) => p.name);
      throw new ReplicatedLoginError(`no profile "${wanted}" in ${file} (${known.length > 0 ? `profiles: ${known.join(', ')}` : 'it has no profiles'}); run \`replicated profile add ${wanted}\``);
    }
  }
  const loginToken = text(raw.token);
  if (loginToken) return remember({ token: loginToken, origin: originFromEnv, source: 'login', file });
  return undefined;
}

function remember(choice: ApiTokenChoice): ApiTokenChoice {
  registerSecret(choice.token);
  return choice;
}

/** Where the token came from, in a few words (for `ls` and the server's log); never the token. */
export function describeTokenSource(choice: Pick<ApiTokenChoice, 'source' | 'profile' | 'file'>): string {
  switch (choice.source) {
    case 'flag':
      return 'the API token given on the command line';
    case 'stdin':
      return 'the API token piped to --api-token-stdin';
    case 'environment':
      return 'REPLICATED_API_TOKEN';
    case 'profile':
      return `profile "${choice.profile ?? ''}" of the replicated CLI (${choice.file ?? ''})`;
    case 'login':
      return `the replicated CLI's login (${choice.file ?? ''})`;
  }
}

export interface AppChoice {
  app: string;
  /** `--app`, `REPLICATED_APP`, or the `.replicated` file's path. */
  from: string;
}

/** The app as `replicated` resolves it: --app, REPLICATED_APP, then the nearest `.replicated` file. */
export function resolveApp(flag: string | undefined, env: Environment, cwd: string): AppChoice | undefined {
  const fromFlag = flag?.trim();
  if (fromFlag) return { app: fromFlag, from: '--app' };
  const fromEnv = env.REPLICATED_APP?.trim();
  if (fromEnv) return { app: fromEnv, from: 'REPLICATED_APP' };
  return appFromDotReplicated(cwd);
}

/** `appSlug` (else `appId`) of the nearest `.replicated` / `.replicated.yaml` that names one, from `cwd` up. */
export function appFromDotReplicated(cwd: string): AppChoice | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of ['.replicated', '.replicated.yaml']) {
      const file = path.join(dir, name);
      let content: Buffer;
      try {
        content = readRegularFileSync(file, MAX_DOT_REPLICATED_BYTES);
      } catch {
        continue; // missing, a folder, too large: as `replicated`, only a readable file counts
      }
      let parsed: unknown;
      try {
        parsed = yamlLibrary().parse(content.toString('utf8'), { maxAliasCount: 100 });
      } catch {
        return undefined; // `replicated` resolves no app from a broken file (FindAndParseConfig fails)
      }
      const config = parsed && typeof parsed === 'object' ? (parsed as { appSlug?: unknown; appId?: unknown }) : {};
      const app = text(config.appSlug) ?? text(config.appId);
      if (app) return { app, from: file };
      break; // the first file of a folder is the one that counts
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
