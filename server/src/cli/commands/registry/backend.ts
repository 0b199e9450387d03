/**
 * Where `registry` commands work, chosen once for every subcommand: the vendor portal when a Replicated
 * API token is present (REPLICATED_API_TOKEN, --api-token-stdin, --api-token), else the workspace's
 * registries file (the one that applies to the current folder, or --config) with the Docker credential
 * store. Each subcommand receives the opened backend and its RegistryStore.
 *
 * Why `--api-token` and not the replicated CLI's `--token`: here `--token` already is the registry's own
 * token in `registry add dockerhub|gar|ghcr|other` (as in the replicated CLI, whose global `--token`
 * clashes with it). One flag name with two meanings would send a registry token to Replicated as an API
 * token or the reverse, so the API token has its own names.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../../../log/logger';
import { chainCredentialSources } from '../../../registry/credentials/chainCredentialSources';
import { cliInsecureConsent } from '../../../registry/credentials/credentialGate';
import { DockerCredentialStore } from '../../../registry/credentials/dockerCredentialStore';
import { EnvironmentCredentialSource } from '../../../registry/credentials/environmentCredentialSource';
import { PortalRegistryStore } from '../../../store/portal/portalStore';
import { DEFAULT_API_ORIGIN } from '../../../store/portal/vendorApiClient';
import { locateRegistriesFile, REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { WorkspaceRegistryStore, type PullChecker } from '../../../store/workspaceStore';
import type { FlagSpecs, ParsedFlags } from '../../flags';
import { UsageError, type CliIO } from '../../io';
import { readSecretFromStdin } from '../../secrets';

export const GLOBAL_FLAGS = {
  config: { type: 'string', valueName: 'PATH', description: `the registries file (default: ${REGISTRIES_FILE_NAME} in this folder or the nearest parent); implies --workspace` },
  output: { type: 'string', short: 'o', choices: ['table', 'json'], description: 'output format: table (default) or json' },
  'api-token-stdin': { type: 'boolean', description: 'read the Replicated vendor API token from stdin and use the vendor portal (or set REPLICATED_API_TOKEN)' },
  'api-token': { type: 'string', valueName: 'TOKEN', description: 'the Replicated vendor API token (leaks into shell history and process lists: prefer REPLICATED_API_TOKEN or --api-token-stdin)' },
  app: { type: 'string', valueName: 'APP', description: 'vendor portal: the application slug or ID (default: REPLICATED_APP)' },
  workspace: { type: 'boolean', description: `use ${REGISTRIES_FILE_NAME} and the Docker credential store even when REPLICATED_API_TOKEN is set` },
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
  /** `--app` or REPLICATED_APP. */
  app: string | undefined;
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

/** The replicated CLI's global `--token` means the API token; here it would be ambiguous, so say what to use. */
export function refuseAmbiguousTokenFlag(argv: readonly string[], command: string): void {
  const given = argv.find((a) => a === '--token' || a.startsWith('--token=') || a === '--token-stdin' || a.startsWith('--token-stdin='));
  if (given === undefined) return;
  const flag = given.split('=')[0] ?? given;
  throw new UsageError(
    `${flag} is not a flag of ${command}: --token is the registry's own token in \`registry add\`; for the Replicated vendor API token set REPLICATED_API_TOKEN or use --api-token-stdin`,
  );
}

/**
 * The vendor-portal connection, or undefined for the workspace backend. Order: --workspace or
 * --config → workspace; --api-token-stdin; --api-token (warned); REPLICATED_API_TOKEN; else workspace.
 */
async function portalConnection(io: CliIO, flags: GlobalFlags): Promise<PortalBackend | undefined> {
  const tokenFlag = flags['api-token'];
  const tokenFromStdin = flags['api-token-stdin'] === true;
  const workspaceForced = flags.workspace === true || flags.config !== undefined;
  if (workspaceForced && (tokenFlag !== undefined || tokenFromStdin)) {
    const why = flags.workspace === true ? '--workspace' : '--config';
    throw new UsageError(`${why} uses the workspace file, which needs no vendor API token; drop --api-token${tokenFromStdin ? '-stdin' : ''}, or drop ${why} to use the vendor portal`);
  }
  if (workspaceForced) return undefined;
  if (tokenFlag !== undefined && tokenFromStdin) throw new UsageError('give either --api-token-stdin or --api-token, not both');

  let token: string | undefined;
  if (tokenFromStdin) {
    token = await readSecretFromStdin(io, '--api-token-stdin', 'Replicated API token');
  } else if (tokenFlag !== undefined) {
    if (tokenFlag.trim() === '') throw new UsageError('--api-token is empty; set REPLICATED_API_TOKEN or pipe the token to --api-token-stdin');
    token = tokenFlag.trim();
    registerSecret(token);
    io.stderr.write('warning: --api-token on the command line can leak into shell history and process lists; set REPLICATED_API_TOKEN or use --api-token-stdin instead\n');
  } else {
    const fromEnv = io.env.REPLICATED_API_TOKEN?.trim();
    token = fromEnv ? fromEnv : undefined;
  }
  if (token === undefined) return undefined;
  registerSecret(token);

  const origin = io.env.REPLICATED_API_ORIGIN?.trim() || DEFAULT_API_ORIGIN;
  let parsedOrigin: URL;
  try {
    parsedOrigin = new URL(origin);
  } catch {
    throw new UsageError(`REPLICATED_API_ORIGIN "${origin}" is not a URL; unset it to use ${DEFAULT_API_ORIGIN}`);
  }
  if (parsedOrigin.protocol !== 'https:' && parsedOrigin.protocol !== 'http:') {
    throw new UsageError(`REPLICATED_API_ORIGIN must be an https:// URL (got ${parsedOrigin.protocol}); unset it to use ${DEFAULT_API_ORIGIN}`);
  }
  const app = flags.app?.trim() || io.env.REPLICATED_APP?.trim() || undefined;
  return { kind: 'portal', store: new PortalRegistryStore({ token, origin }), origin, app };
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
