/**
 * Where `registry` commands work, chosen once for every subcommand: the vendor portal when a Replicated
 * API token is found the way the `replicated` CLI finds one (store/portal/replicatedLogin.ts: --token or
 * --api-token / --api-token-stdin, REPLICATED_API_TOKEN, --profile or the default profile, the token
 * `replicated login` wrote), else the workspace's registries file (the one that applies to the current
 * folder, or --config) with the Docker credential store. Each subcommand receives the opened backend.
 *
 * `--token` is the API token, as in `replicated`, except on `registry add dockerhub|gar|ghcr`, where it is
 * the registry's own token — as in `replicated`, whose subcommand flag shadows the global one there. The
 * token on the command line leaks into shell history and process lists: REPLICATED_API_TOKEN, a profile
 * or --api-token-stdin is preferred, and the flag warns.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../../../log/logger';
import { chainCredentialSources } from '../../../registry/credentials/chainCredentialSources';
import { cliInsecureConsent } from '../../../registry/credentials/credentialGate';
import { DockerCredentialStore } from '../../../registry/credentials/dockerCredentialStore';
import { EnvironmentCredentialSource } from '../../../registry/credentials/environmentCredentialSource';
import { PortalRegistryStore } from '../../../store/portal/portalStore';
import { describeTokenSource, ReplicatedLoginError, resolveApiToken, resolveApp, type ApiTokenChoice } from '../../../store/portal/replicatedLogin';
import { DEFAULT_API_ORIGIN } from '../../../store/portal/vendorApiClient';
import { locateRegistriesFile, REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { WorkspaceRegistryStore, type PullChecker } from '../../../store/workspaceStore';
import type { FlagSpecs, ParsedFlags } from '../../flags';
import { UsageError, type CliIO } from '../../io';
import { readSecretFromStdin } from '../../secrets';

export const GLOBAL_FLAGS = {
  config: { type: 'string', valueName: 'PATH', description: `the registries file (default: ${REGISTRIES_FILE_NAME} in this folder or the nearest parent); implies --workspace` },
  output: { type: 'string', short: 'o', choices: ['table', 'json', 'wide'], description: 'output format: table (default), json, or wide (the table, as `replicated` accepts it)' },
  token: { type: 'string', valueName: 'TOKEN', description: "the Replicated vendor API token, as in `replicated` (leaks into shell history and process lists: prefer REPLICATED_API_TOKEN, the profile `replicated login` writes, or --api-token-stdin)" },
  profile: { type: 'string', valueName: 'NAME', description: "the replicated CLI profile whose API token to use (default: its default profile, else the token `replicated login` wrote)" },
  'api-token-stdin': { type: 'boolean', description: 'read the Replicated vendor API token from stdin and use the vendor portal (or set REPLICATED_API_TOKEN)' },
  'api-token': { type: 'string', valueName: 'TOKEN', description: 'the same as --token (kept for scripts; leaks like it)' },
  app: { type: 'string', valueName: 'APP', description: 'vendor portal: the application slug or ID (default: REPLICATED_APP, else appSlug / appId of the nearest .replicated file)' },
  workspace: { type: 'boolean', description: `use ${REGISTRIES_FILE_NAME} and the Docker credential store even when a Replicated API token or login is found` },
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
} as const satisfies FlagSpecs;

export type GlobalFlags = ParsedFlags<typeof GLOBAL_FLAGS>;

/** The registries file and the Docker credential store, on this machine. */
export interface WorkspaceBackend {
  kind: 'workspace';
  store: WorkspaceRegistryStore;
  docker: DockerCredentialStore;
  /** The registries file that applies (it may not exist yet: `exists`). */
  filePath: string;
  exists: boolean;
}

/** The team's registries at Replicated. */
export interface PortalBackend {
  kind: 'portal';
  store: PortalRegistryStore;
  origin: string;
  /** `--app`, REPLICATED_APP or the nearest `.replicated` file. */
  app: string | undefined;
  /** Where the app came from (`--app`, `REPLICATED_APP`, a file path). */
  appFrom?: string;
  /** Where the token came from (never the token). */
  token: Pick<ApiTokenChoice, 'source' | 'profile' | 'file'>;
}

/** "vendor portal at ORIGIN, with TOKEN SOURCE" — what `ls` says on stderr. */
export function describePortal(portal: PortalBackend): string {
  return `vendor portal at ${portal.origin}, with ${describeTokenSource(portal.token)}${portal.app ? `; app "${portal.app}" (from ${portal.appFrom ?? '--app'})` : ''}`;
}

export type Backend = WorkspaceBackend | PortalBackend;

/** Lets tests put a stand-in in place of the network client. */
export interface BackendDeps {
  client?: PullChecker & { close?(): Promise<void> };
}

/** Opens the backend the flags and the environment choose. `allowInsecure`: `registry test --allow-insecure`. */
export async function openBackend(io: CliIO, flags: GlobalFlags, deps: BackendDeps, allowInsecure: readonly string[] = []): Promise<Backend> {
  const portal = await portalConnection(io, flags);
  if (portal) return portal;
  let filePath: string;
  let exists: boolean;
  if (flags.config) {
    filePath = path.resolve(io.cwd, flags.config);
    exists = isFile(filePath);
  } else {
    ({ filePath, exists } = locateRegistriesFile(io.cwd));
  }
  const docker = new DockerCredentialStore({ env: io.env });
  const credentials = chainCredentialSources([docker, new EnvironmentCredentialSource(io.env)]);
  const store = new WorkspaceRegistryStore({ filePath, credentials, consent: cliInsecureConsent(allowInsecure, io.env), ...(deps.client ? { client: deps.client } : {}) });
  return { kind: 'workspace', store, docker, filePath, exists };
}

/** The workspace backend's file must exist for everything but `add`. */
export function requireFile(io: CliIO, backend: WorkspaceBackend, flags: GlobalFlags): void {
  if (backend.exists) return;
  if (flags.config) throw new UsageError(`--config ${flags.config}: no such file; check the path`);
  throw new UsageError(noFileMessage(io));
}

export function noFileMessage(io: CliIO): string {
  return `no ${REGISTRIES_FILE_NAME} in ${io.cwd} or any parent folder; add a registry with \`replicated-registries registry add\`, or pass --config PATH`;
}

/** `--token-stdin` exists only on `registry add` (the registry's token); elsewhere point at the API token's. */
export function refuseRegistryTokenStdin(argv: readonly string[], command: string): void {
  const given = argv.find((a) => a === '--token-stdin' || a.startsWith('--token-stdin='));
  if (given === undefined) return;
  throw new UsageError(`--token-stdin is not a flag of ${command}: it reads a registry's token in \`registry add\`; to pipe the Replicated API token use --api-token-stdin (or set REPLICATED_API_TOKEN)`);
}

/**
 * The vendor-portal connection, or undefined for the workspace backend. --workspace or --config →
 * workspace; else the API token the way `replicated` finds it (replicatedLogin.ts), with
 * --api-token-stdin as the first choice; no token anywhere → workspace.
 */
async function portalConnection(io: CliIO, flags: GlobalFlags): Promise<PortalBackend | undefined> {
  const flagGiven = (['token', 'api-token'] as const).filter((name) => flags[name] !== undefined);
  const tokenFromStdin = flags['api-token-stdin'] === true;
  const workspaceForced = flags.workspace === true || flags.config !== undefined;
  if (workspaceForced && (flagGiven.length > 0 || tokenFromStdin || flags.profile !== undefined)) {
    const why = flags.workspace === true ? '--workspace' : '--config';
    const given = tokenFromStdin ? '--api-token-stdin' : flagGiven.length > 0 ? `--${flagGiven[0] ?? 'token'}` : '--profile';
    throw new UsageError(`${why} uses the workspace file, which needs no vendor API token; drop ${given}, or drop ${why} to use the vendor portal`);
  }
  if (workspaceForced) return undefined;
  if (flagGiven.length + (tokenFromStdin ? 1 : 0) > 1) throw new UsageError('give the API token once: --token, --api-token or --api-token-stdin');

  let flagToken: string | undefined;
  if (tokenFromStdin) {
    flagToken = await readSecretFromStdin(io, '--api-token-stdin', 'Replicated API token');
  } else if (flagGiven[0] !== undefined) {
    const name = flagGiven[0];
    const value = (flags[name] ?? '').trim();
    if (value === '') throw new UsageError(`--${name} is empty; set REPLICATED_API_TOKEN, or pipe the token to --api-token-stdin`);
    registerSecret(value);
    flagToken = value;
    io.stderr.write(`warning: --${name} on the command line can leak into shell history and process lists; prefer REPLICATED_API_TOKEN, the profile \`replicated login\` writes, or --api-token-stdin\n`);
  }
  let choice: ApiTokenChoice | undefined;
  try {
    choice = resolveApiToken({ ...(flagToken !== undefined ? { flagToken, fromStdin: tokenFromStdin } : {}), ...(flags.profile !== undefined ? { profile: flags.profile } : {}), env: io.env });
  } catch (err) {
    if (!(err instanceof ReplicatedLoginError)) throw err;
    // A profile asked for by name must be there; a broken login file nobody asked for only loses the portal.
    if (flags.profile !== undefined) throw new UsageError(err.message);
    io.stderr.write(`note: ${err.message}; using ${REGISTRIES_FILE_NAME}\n`);
    return undefined;
  }
  if (choice === undefined) return undefined;
  if (choice.overrodeProfile !== undefined) {
    io.stderr.write(`note: REPLICATED_API_TOKEN is set and wins over --profile ${choice.overrodeProfile} (as in \`replicated\`); unset it to use the profile\n`);
  }

  const origin = choice.origin;
  let parsedOrigin: URL;
  const originSetting = choice.source === 'profile' ? `the Vendor API origin of profile "${choice.profile ?? ''}"` : 'REPLICATED_API_ORIGIN';
  try {
    parsedOrigin = new URL(origin);
  } catch {
    throw new UsageError(`${originSetting} "${origin}" is not a URL; ${choice.source === 'profile' ? 'fix the profile' : 'unset it'} to use ${DEFAULT_API_ORIGIN}`);
  }
  if (parsedOrigin.protocol !== 'https:' && parsedOrigin.protocol !== 'http:') {
    throw new UsageError(`${originSetting} must be an https:// URL (got ${parsedOrigin.protocol}); ${choice.source === 'profile' ? 'fix the profile' : 'unset it'} to use ${DEFAULT_API_ORIGIN}`);
  }
  const app = resolveApp(flags.app, io.env, io.cwd);
  return {
    kind: 'portal',
    store: new PortalRegistryStore({ token: choice.token, origin }),
    origin,
    app: app?.app,
    ...(app ? { appFrom: app.from } : {}),
    token: { source: choice.source, ...(choice.profile !== undefined ? { profile: choice.profile } : {}), ...(choice.file !== undefined ? { file: choice.file } : {}) },
  };
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
