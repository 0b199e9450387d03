/**
 * `registry add|ls|rm|test|logs`, shaped like `replicated registry`, over one of two backends:
 *
 * - the workspace (default): metadata goes to the registries file, secrets to the Docker
 *   credential store (its helper, else config.json auths);
 * - the vendor portal, when a Replicated API token is present (REPLICATED_API_TOKEN,
 *   --api-token-stdin or --api-token): everything goes to Vendor API v3 and nothing is written
 *   locally; `test` is Replicated's server-side test and `logs` its pull logs.
 *
 * Why `--api-token` and not the replicated CLI's `--token`: here `--token` already is the
 * registry's own token in `registry add dockerhub|gar|ghcr|other` (as in the replicated CLI, whose
 * global `--token` clashes with it). One flag name with two meanings would send a registry token
 * to Replicated as an API token or the reverse, so the API token has its own names.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { redact, registerSecret } from '../../log/logger';
import { chainCredentialSources } from '../../registry/credentials/chainCredentialSources';
import { DockerCredentialStore } from '../../registry/credentials/dockerCredentialStore';
import { environmentVariableNames, EnvironmentCredentialSource } from '../../registry/credentials/environmentCredentialSource';
import { ALLOW_INSECURE_VARIABLE, cliInsecureConsent } from '../../registry/credentials/credentialGate';
import { CredentialSourceError } from '../../registry/credentials/types';
import { PROVIDERS, type AuthType, type Credentials, type PullCheckResult, type Provider, type RegistryEntry } from '../../registry/types';
import { endpointFitsProvider, endpointShapeProblem, ENDPOINT_EXAMPLES, FIXED_ENDPOINTS, PROVIDER_LABELS, providerForHost } from '../../store/providerRules';
import { findRegistriesFile, loadRegistriesFile, REGISTRIES_FILE_NAME, RegistriesEditError, RegistriesFileError, RegistryNotFoundError } from '../../store/registriesFile';
import { customerLogin, customerPullTarget, testAsCustomer } from '../../registry/customerPull';
import { formatImage, resolveTestImage } from '../../registry/endpoints';
import { DEFAULT_PROXY_DOMAIN, normalizeHost } from '../../reference/proxy';
import { RegistryValidationError, TestImageError, WorkspaceRegistryStore, type AccessVerification, type PullChecker } from '../../store/workspaceStore';
import { PortalRegistryStore } from '../../store/portal/portalStore';
import { DEFAULT_API_ORIGIN, VendorApiError, type VendorRegistry } from '../../store/portal/vendorApiClient';
import { formatFlagHelp, parseArgs, type FlagSpec, type FlagSpecs, type ParsedFlags } from '../args';
import { ExitCode, UsageError, type CliIO } from '../io';

const GLOBAL_FLAGS = {
  config: { type: 'string', valueName: 'PATH', description: `the registries file (default: ${REGISTRIES_FILE_NAME} in this folder or the nearest parent); implies --workspace` },
  output: { type: 'string', short: 'o', choices: ['table', 'json'], description: 'output format: table (default) or json' },
  'api-token-stdin': { type: 'boolean', description: 'read the Replicated vendor API token from stdin and use the vendor portal (or set REPLICATED_API_TOKEN)' },
  'api-token': { type: 'string', valueName: 'TOKEN', description: 'the Replicated vendor API token (leaks into shell history and process lists: prefer REPLICATED_API_TOKEN or --api-token-stdin)' },
  app: { type: 'string', valueName: 'APP', description: 'vendor portal: the application slug or ID (default: REPLICATED_APP)' },
  workspace: { type: 'boolean', description: `use ${REGISTRIES_FILE_NAME} and the Docker credential store even when REPLICATED_API_TOKEN is set` },
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
} as const satisfies FlagSpecs;

const F = {
  authtype: (choices: readonly AuthType[]): FlagSpec => ({ type: 'string', valueName: choices.join('|'), choices, description: `how to authenticate (default ${choices[0]})` }),
  username: { type: 'string', valueName: 'NAME', description: 'the login name' } as FlagSpec,
  password: { type: 'string', valueName: 'PASSWORD', description: 'the password (leaks into shell history: prefer --password-stdin)' } as FlagSpec,
  passwordStdin: { type: 'boolean', description: 'read the password from stdin (a masked prompt on a terminal)' } as FlagSpec,
  token: { type: 'string', valueName: 'TOKEN', description: 'the access token (leaks into shell history: prefer --token-stdin)' } as FlagSpec,
  tokenStdin: { type: 'boolean', description: 'read the token from stdin (a masked prompt on a terminal)' } as FlagSpec,
  endpoint: (example: string, required: boolean): FlagSpec => ({ type: 'string', valueName: 'HOST', description: `the registry host, e.g. ${example}${required ? ' (required)' : ''}` }),
};

const ADD_COMMON = {
  name: { type: 'string', valueName: 'NAME', description: 'the registry name (slug); default: the endpoint' },
  'app-ids': { type: 'list', valueName: 'ID,...', description: 'limit the registry to these application IDs (repeatable, comma-separated)' },
  'skip-validation': { type: 'boolean', description: 'save without checking the credentials first' },
  image: { type: 'string', valueName: 'IMAGE', description: 'check that the credentials can pull this image (relative to the registry, or a full reference on it) before saving; without it only the login is checked' },
} as const satisfies FlagSpecs;

const PROVIDER_FLAGS: Record<Provider, FlagSpecs> = {
  dockerhub: { authtype: F.authtype(['password', 'token']), username: F.username, password: F.password, 'password-stdin': F.passwordStdin, token: F.token, 'token-stdin': F.tokenStdin },
  ecr: {
    endpoint: F.endpoint(ENDPOINT_EXAMPLES.ecr, true),
    accesskeyid: { type: 'string', valueName: 'ID', description: 'the AWS access key ID' },
    secretaccesskey: { type: 'string', valueName: 'KEY', description: 'the AWS secret access key (leaks into shell history: prefer --secretaccesskey-stdin)' },
    'secretaccesskey-stdin': { type: 'boolean', description: 'read the AWS secret access key from stdin' },
  },
  gar: {
    endpoint: F.endpoint(ENDPOINT_EXAMPLES.gar, true),
    authtype: F.authtype(['serviceaccount', 'token']),
    serviceaccountkey: { type: 'string', valueName: 'FILE', description: 'the service-account JSON key file' },
    'serviceaccountkey-stdin': { type: 'boolean', description: 'read the service-account JSON key from stdin' },
    token: F.token,
    'token-stdin': F.tokenStdin,
  },
  gcr: {
    endpoint: F.endpoint('gcr.io (default), us.gcr.io, eu.gcr.io, asia.gcr.io', false),
    serviceaccountkey: { type: 'string', valueName: 'FILE', description: 'the service-account JSON key file' },
    'serviceaccountkey-stdin': { type: 'boolean', description: 'read the service-account JSON key from stdin' },
  },
  ghcr: { username: F.username, token: F.token, 'token-stdin': F.tokenStdin },
  quay: { username: F.username, password: F.password, 'password-stdin': F.passwordStdin },
  other: {
    endpoint: F.endpoint(ENDPOINT_EXAMPLES.other, true),
    authtype: F.authtype(['password', 'token']),
    username: F.username,
    password: F.password,
    'password-stdin': F.passwordStdin,
    token: F.token,
    'token-stdin': F.tokenStdin,
    'ca-file': { type: 'string', valueName: 'PEM', description: 'extra CA certificates to trust for this registry' },
    'insecure-skip-tls-verify': { type: 'boolean', description: 'accept any TLS certificate (prefer --ca-file)' },
    'plain-http': { type: 'boolean', description: 'talk plain HTTP to the registry' },
  },
};

const LS_FLAGS = { ...GLOBAL_FLAGS } as const satisfies FlagSpecs;
const RM_FLAGS = { ...GLOBAL_FLAGS } as const satisfies FlagSpecs;
const TEST_FLAGS = {
  image: { type: 'string', valueName: 'IMAGE', description: 'the image to check (required): relative to the registry (my-company/my-image:v1.2.34) or a full reference on it' },
  'allow-insecure': {
    type: 'list',
    valueName: 'HOST',
    description: `use the credentials even though the registries file sets plainHttp or insecureSkipTLSVerify for HOST (repeatable; or ${ALLOW_INSECURE_VARIABLE}=HOST,...)`,
  },
  'as-customer': { type: 'boolean', description: "pull IMAGE the way a customer does: through the Replicated proxy, with the customer's license (needs --license-id-stdin and app: in the registries file)" },
  'license-id-stdin': { type: 'boolean', description: "with --as-customer: read the customer's license ID from stdin (a masked prompt on a terminal); never pass it as a flag value" },
  'customer-email': { type: 'string', valueName: 'EMAIL', description: "with --as-customer: log in as the customer's email (the documented login); default: LICENSE_ID, as the pull secret KOTS creates" },
  'proxy-domain': { type: 'string', valueName: 'HOST', description: 'with --as-customer: the proxy domain (default: the custom proxy domain in the registries file, else proxy.replicated.com)' },
  ...GLOBAL_FLAGS,
} as const satisfies FlagSpecs;

const USAGE = `Usage:
  replicated-registries registry add dockerhub|ecr|gar|gcr|ghcr|quay|other [flags]
  replicated-registries registry ls [NAME] [-o table|json]
  replicated-registries registry rm NAME
  replicated-registries registry test NAME --image IMAGE [-o table|json]
  replicated-registries registry test NAME --image IMAGE --as-customer --license-id-stdin
  replicated-registries registry logs NAME [-o table|json]      (vendor portal only)

Workspace (default): registries are listed in ${REGISTRIES_FILE_NAME} (no secrets); secrets go to
the Docker credential store (its helper, else ~/.docker/config.json, mode 0600; DOCKER_CONFIG is
honoured). When the Docker credential store has none (CI), REPLICATED_REGISTRIES_<SLUG>_USERNAME and
REPLICATED_REGISTRIES_<SLUG>_PASSWORD supply them (<SLUG> upper-cased, other characters as _), for the
host named in REPLICATED_REGISTRIES_<SLUG>_HOST only.

Vendor portal: with a Replicated API token (REPLICATED_API_TOKEN, or --api-token-stdin) every
command talks to the team's external registries in the vendor portal (Vendor API v3 at
REPLICATED_API_ORIGIN, default ${DEFAULT_API_ORIGIN}): credentials go to Replicated and nothing
is written on this machine, \`test\` is Replicated's server-side test, \`logs\` shows its pull logs.
--workspace (or --config) uses the workspace file even when a token is set. The API token is
--api-token, not --token, because --token is the registry's own token in \`registry add\`.

Exit codes: 0 ok, 1 the check failed (or the vendor portal failed: 5xx, 429), 2 usage,
configuration or authorization error.

Global flags:
${formatFlagHelp(GLOBAL_FLAGS)}
`;

/** Lets tests put a stand-in in place of the network client. */
export interface RegistryCommandDeps {
  client?: PullChecker & { close?(): Promise<void> };
}

export function run(argv: string[], io: CliIO): Promise<number> {
  return runRegistryCommand(argv, io);
}

export async function runRegistryCommand(argv: string[], io: CliIO, deps: RegistryCommandDeps = {}): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'add':
        return await addCommand(rest, io, deps);
      case 'ls':
      case 'list':
        return await lsCommand(rest, io);
      case 'rm':
      case 'remove':
        return await rmCommand(rest, io);
      case 'test':
        return await testCommand(rest, io, deps);
      case 'logs':
        return await logsCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return sub === undefined ? ExitCode.usage : ExitCode.ok;
      default:
        throw new UsageError(`unknown registry command "${sub}"; use add, ls, rm, test or logs (see \`registry --help\`)`);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof VendorApiError) {
      // One line; the token itself was registered as a secret, so redact() removes any echo of it.
      io.stderr.write(`replicated-registries: ${redact(err.message)}\n`);
      return err.status !== undefined && (err.status >= 500 || err.status === 429) ? ExitCode.failed : ExitCode.usage;
    }
    if (err instanceof RegistryValidationError) {
      io.stderr.write(`replicated-registries: ${redact(err.message)}\n`);
      return ExitCode.failed;
    }
    if (
      err instanceof RegistriesFileError ||
      err instanceof RegistriesEditError ||
      err instanceof RegistryNotFoundError ||
      err instanceof TestImageError ||
      err instanceof CredentialSourceError
    ) {
      io.stderr.write(`replicated-registries: ${redact(err.message)}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing

type GlobalFlags = ParsedFlags<typeof GLOBAL_FLAGS>;

function configPathFor(io: CliIO, flags: GlobalFlags, forAdd: boolean): string | undefined {
  if (flags.config) {
    const resolved = path.resolve(io.cwd, flags.config);
    if (!forAdd && !isFile(resolved)) throw new UsageError(`--config ${flags.config}: no such file; check the path`);
    if (forAdd && !isDirectory(path.dirname(resolved))) throw new UsageError(`--config ${flags.config}: the folder ${path.dirname(resolved)} does not exist; create it first`);
    return resolved;
  }
  return findRegistriesFile(io.cwd) ?? (forAdd ? path.join(io.cwd, REGISTRIES_FILE_NAME) : undefined);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function noFileMessage(io: CliIO): string {
  return `no ${REGISTRIES_FILE_NAME} in ${io.cwd} or any parent folder; add a registry with \`replicated-registries registry add\`, or pass --config PATH`;
}

interface Context {
  store: WorkspaceRegistryStore;
  docker: DockerCredentialStore;
  close(): Promise<void>;
}

async function openContext(io: CliIO, filePath: string, deps: RegistryCommandDeps, allowInsecure: readonly string[] = []): Promise<Context> {
  const docker = new DockerCredentialStore({ env: io.env });
  const credentials = chainCredentialSources([docker, new EnvironmentCredentialSource(io.env)]);
  const consent = cliInsecureConsent(allowInsecure, io.env);
  let client = deps.client;
  let owned = false;
  if (!client) {
    // Loaded on first need: `ls` and `rm` never pay for the HTTP stack.
    const { RegistryClient } = await import('../../registry/registryClient');
    client = new RegistryClient({ cacheTtlMs: 0 });
    owned = true;
  }
  const active = client;
  return {
    store: new WorkspaceRegistryStore({ filePath, credentials, consent, client: active }),
    docker,
    close: async () => {
      if (owned && active.close) await active.close();
    },
  };
}

function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Choosing the backend: the vendor portal when an API token is present

interface PortalConnection {
  store: PortalRegistryStore;
  origin: string;
  /** `--app` or REPLICATED_APP. */
  app: string | undefined;
}

/** The replicated CLI's global `--token` means the API token; here it would be ambiguous, so say what to use. */
function refuseAmbiguousTokenFlag(argv: readonly string[], command: string): void {
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
async function portalConnection(io: CliIO, flags: ParsedFlags<typeof GLOBAL_FLAGS>): Promise<PortalConnection | undefined> {
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
  return { store: new PortalRegistryStore({ token, origin }), origin, app };
}

/** Flags that only make sense for the workspace backend (the portal pulls from Replicated's servers). */
function refuseWorkspaceOnlyFlags(flags: AnyFlags): void {
  const localOnly: Array<[string, string]> = [
    ['ca-file', 'Replicated\'s servers do the pulls, so a local CA file does not apply'],
    ['insecure-skip-tls-verify', 'Replicated\'s servers do the pulls, so a local TLS setting does not apply'],
    ['plain-http', 'Replicated\'s servers do the pulls, so a local protocol setting does not apply'],
    ['image', 'the vendor portal checks the login on add; test an image afterwards with `registry test NAME --image IMAGE`'],
  ];
  for (const [name, why] of localOnly) {
    if (flags[name] !== undefined) throw new UsageError(`--${name} is for the workspace backend: ${why} (or pass --workspace)`);
  }
}

function vendorTableRows(registries: readonly VendorRegistry[]): string[][] {
  return registries.map((r) => [r.slug, r.provider, r.endpoint, (r.appIds ?? []).join(','), r.authType]);
}


// ---------------------------------------------------------------------------------------------
// Secrets from flags, stdin or a prompt

const DEFAULT_STDIN_TIMEOUT_MS = 10_000;
const MAX_STDIN_BYTES = 1024 * 1024;

/**
 * Reads all of stdin and trims it. On a terminal: a prompt with echo off. Otherwise stdin must
 * deliver and close: empty or closed stdin fails at once, and a pipe nobody writes to fails after
 * a timeout (REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS, default 10 s) instead of hanging a CI job.
 */
export async function readSecretFromStdin(io: CliIO, flag: string, what: string): Promise<string> {
  if (io.stdin.isTTY) {
    const value = (await promptHidden(io, `${what}: `)).trim();
    if (value === '') throw new UsageError(`${flag}: nothing was entered; type the ${what.toLowerCase()} at the prompt`);
    return value;
  }
  const timeoutMs = Number(io.env.REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS) > 0 ? Number(io.env.REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS) : DEFAULT_STDIN_TIMEOUT_MS;
  const raw = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stdin = io.stdin;
    const cleanup = (): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      stdin.pause();
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > MAX_STDIN_BYTES) {
        cleanup();
        reject(new UsageError(`${flag}: more than 1 MiB arrived on stdin; pipe only the ${what.toLowerCase()}`));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new UsageError(`${flag}: stdin could not be read (${err.message}); pipe the ${what.toLowerCase()} in`));
    };
    const timer = setTimeout(() => {
      cleanup();
      if ('destroy' in stdin && typeof stdin.destroy === 'function') (stdin.destroy as () => void)();
      reject(
        new UsageError(
          `${flag}: stdin is not a terminal and nothing arrived within ${Math.round(timeoutMs / 1000)} s; pipe the ${what.toLowerCase()} in and close stdin, e.g. printf '%s' "$SECRET" | replicated-registries registry add ... ${flag}`,
        ),
      );
    }, timeoutMs);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
  const value = raw.trim();
  if (value === '') {
    throw new UsageError(`${flag}: stdin is empty (it is not a terminal, so there is no prompt); pipe the ${what.toLowerCase()} in, e.g. printf '%s' "$SECRET" | replicated-registries registry add ... ${flag}`);
  }
  return value;
}

interface RawModeStream {
  setRawMode(mode: boolean): unknown;
}

function hasRawMode(stream: unknown): stream is RawModeStream {
  return typeof stream === 'object' && stream !== null && typeof (stream as Partial<RawModeStream>).setRawMode === 'function';
}

/** A one-line prompt on stderr with echo off (raw mode): Enter ends, Backspace erases, Ctrl-C cancels. */
export function promptHidden(io: CliIO, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (!hasRawMode(stdin)) return Promise.reject(new UsageError('the terminal cannot hide input; use a --*-stdin flag with a pipe instead'));
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (outcome: () => void): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done(() => resolve(value));
          return;
        }
        if (ch === '\u0003') {
          done(() => reject(new UsageError('cancelled at the prompt; nothing was saved')));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

interface SecretFlags {
  value: string | undefined;
  valueFlag: string;
  stdin: boolean | undefined;
  stdinFlag: string;
  what: string;
}

async function obtainSecret(io: CliIO, spec: SecretFlags): Promise<{ secret: string; via: Credentials['origin'] }> {
  if (spec.value !== undefined && spec.stdin) throw new UsageError(`give either --${spec.valueFlag} or --${spec.stdinFlag}, not both`);
  if (spec.value !== undefined) {
    if (spec.value.trim() === '') throw new UsageError(`--${spec.valueFlag} is empty`);
    registerSecret(spec.value);
    io.stderr.write(`warning: --${spec.valueFlag} on the command line can leak into shell history and process lists; use --${spec.stdinFlag} instead\n`);
    return { secret: spec.value, via: undefined };
  }
  if (spec.stdin) {
    const secret = await readSecretFromStdin(io, `--${spec.stdinFlag}`, spec.what);
    registerSecret(secret);
    return { secret, via: io.stdin.isTTY ? 'prompt' : 'stdin' };
  }
  if (io.stdin.isTTY) {
    const secret = await readSecretFromStdin(io, `--${spec.stdinFlag}`, spec.what);
    registerSecret(secret);
    return { secret, via: 'prompt' };
  }
  throw new UsageError(`the ${spec.what.toLowerCase()} is missing: pipe it in with --${spec.stdinFlag} (or give --${spec.valueFlag}, which leaks into shell history)`);
}

// ---------------------------------------------------------------------------------------------
// add

function addHelp(provider: Provider | undefined): string {
  if (!provider) {
    return `Usage: replicated-registries registry add PROVIDER [flags]

PROVIDER is one of: ${PROVIDERS.join(', ')}. Run \`registry add PROVIDER --help\` for its flags.
The registry is checked before it is saved (unless --skip-validation); the secret goes to the
Docker credential store, the rest to ${REGISTRIES_FILE_NAME}.
`;
  }
  const fixed = FIXED_ENDPOINTS[provider];
  return `Usage: replicated-registries registry add ${provider} [flags]

Connects ${PROVIDER_LABELS[provider]}${fixed ? ` (endpoint ${fixed})` : ''}.
The secret is read from stdin with the *-stdin flags (a masked prompt on a terminal) and stored
in the Docker credential store; ${REGISTRIES_FILE_NAME} gets everything else. With a Replicated
API token (REPLICATED_API_TOKEN) the registry and its secret go to the vendor portal instead, which
checks the login itself (unless --skip-validation), and nothing is written on this machine.

Flags:
${formatFlagHelp({ ...PROVIDER_FLAGS[provider], ...ADD_COMMON, ...GLOBAL_FLAGS })}
`;
}

interface AddPlan {
  entry: RegistryEntry;
  credentials: Credentials;
}

type AnyFlags = Record<string, string | boolean | string[] | undefined>;

function str(flags: AnyFlags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

function bool(flags: AnyFlags, name: string): boolean {
  return flags[name] === true;
}

function requireFlag(flags: AnyFlags, name: string, provider: Provider, why: string): string {
  const value = str(flags, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`registry add ${provider} needs --${name} (${why})`);
  return value.trim();
}

function chooseAuthType(flags: AnyFlags, provider: Provider): AuthType {
  const given = str(flags, 'authtype') as AuthType | undefined;
  const tokenGiven = flags.token !== undefined || flags['token-stdin'] === true;
  const passwordGiven = flags.password !== undefined || flags['password-stdin'] === true;
  const keyGiven = flags.serviceaccountkey !== undefined || flags['serviceaccountkey-stdin'] === true;
  switch (provider) {
    case 'dockerhub':
    case 'other': {
      const chosen = given ?? (tokenGiven && !passwordGiven ? 'token' : 'password');
      if (chosen === 'password' && tokenGiven) throw new UsageError('--token / --token-stdin go with --authtype token; for --authtype password use --password / --password-stdin');
      if (chosen === 'token' && passwordGiven) throw new UsageError('--password / --password-stdin go with --authtype password; for --authtype token use --token / --token-stdin');
      return chosen;
    }
    case 'gar': {
      const chosen = given ?? (tokenGiven && !keyGiven ? 'token' : 'serviceaccount');
      if (chosen === 'serviceaccount' && tokenGiven) throw new UsageError('--token / --token-stdin go with --authtype token; for a service account use --serviceaccountkey FILE or --serviceaccountkey-stdin');
      if (chosen === 'token' && keyGiven) throw new UsageError('--serviceaccountkey goes with --authtype serviceaccount; for --authtype token use --token / --token-stdin');
      return chosen;
    }
    case 'ecr':
      return 'accesskey';
    case 'gcr':
      return 'serviceaccount';
    case 'ghcr':
      return 'token';
    case 'quay':
      return 'password';
  }
}

function checkEndpoint(provider: Provider, endpoint: string): void {
  const shape = endpointShapeProblem(endpoint);
  if (shape) throw new UsageError(`--endpoint: ${shape}`);
  if (!endpointFitsProvider(provider, endpoint)) {
    const actual = providerForHost(endpoint);
    throw new UsageError(
      `--endpoint ${endpoint} is not a ${PROVIDER_LABELS[provider]} host; ` +
        (actual ? `it is ${PROVIDER_LABELS[actual]}: use \`registry add ${actual}\`` : `use one like ${ENDPOINT_EXAMPLES[provider]}, or \`registry add other\` for a self-hosted registry`),
    );
  }
}

async function serviceAccountKey(io: CliIO, flags: AnyFlags): Promise<string> {
  const file = str(flags, 'serviceaccountkey');
  const fromStdin = flags['serviceaccountkey-stdin'] === true;
  if (file !== undefined && fromStdin) throw new UsageError('give either --serviceaccountkey FILE or --serviceaccountkey-stdin, not both');
  let key: string;
  if (file !== undefined && file.trim().startsWith('{')) {
    // The `replicated` CLI takes the key itself here; accept it, with the same warning as any secret flag.
    key = file.trim();
    registerSecret(key);
    io.stderr.write('warning: a key on the command line can leak into shell history and process lists; pass the key file path, or use --serviceaccountkey-stdin\n');
  } else if (file !== undefined) {
    try {
      key = readFileSync(path.resolve(io.cwd, file), 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--serviceaccountkey ${file}: cannot read the key file (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the path`);
    }
    registerSecret(key);
  } else {
    key = (await obtainSecret(io, { value: undefined, valueFlag: 'serviceaccountkey', stdin: fromStdin, stdinFlag: 'serviceaccountkey-stdin', what: 'Service-account JSON key' })).secret;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    throw new UsageError('the service-account key is not JSON; download the key as JSON from the Google Cloud console (IAM → Service accounts → Keys)');
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (record.type !== 'service_account' || typeof record.client_email !== 'string' || typeof record.private_key !== 'string') {
    throw new UsageError('the JSON is not a service-account key (it needs "type": "service_account", "client_email" and "private_key"); download a JSON key for the service account');
  }
  registerSecret(record.private_key);
  return key;
}

async function planAdd(provider: Provider, flags: AnyFlags, io: CliIO): Promise<AddPlan> {
  const authType = chooseAuthType(flags, provider);
  let endpoint = FIXED_ENDPOINTS[provider];
  if (!endpoint) {
    endpoint = provider === 'gcr' ? (str(flags, 'endpoint')?.trim() || 'gcr.io') : requireFlag(flags, 'endpoint', provider, `the registry host, e.g. ${ENDPOINT_EXAMPLES[provider]}`);
  }
  checkEndpoint(provider, endpoint);

  let username: string;
  let secret: string;
  switch (authType) {
    case 'accesskey':
      username = requireFlag(flags, 'accesskeyid', provider, 'the AWS access key ID');
      secret = (await obtainSecret(io, { value: str(flags, 'secretaccesskey'), valueFlag: 'secretaccesskey', stdin: bool(flags, 'secretaccesskey-stdin'), stdinFlag: 'secretaccesskey-stdin', what: 'AWS secret access key' })).secret;
      break;
    case 'serviceaccount':
      username = '_json_key';
      secret = await serviceAccountKey(io, flags);
      break;
    case 'token':
      username = provider === 'gar' ? 'oauth2accesstoken' : requireFlag(flags, 'username', provider, 'the login name the token belongs to');
      secret = (await obtainSecret(io, { value: str(flags, 'token'), valueFlag: 'token', stdin: bool(flags, 'token-stdin'), stdinFlag: 'token-stdin', what: 'Token' })).secret;
      break;
    case 'password':
      username = requireFlag(flags, 'username', provider, 'the login name');
      secret = (await obtainSecret(io, { value: str(flags, 'password'), valueFlag: 'password', stdin: bool(flags, 'password-stdin'), stdinFlag: 'password-stdin', what: 'Password' })).secret;
      break;
  }

  const entry: RegistryEntry = { slug: str(flags, 'name')?.trim() || endpoint, provider, endpoint, authType };
  if (/\s/.test(entry.slug)) throw new UsageError(`--name "${entry.slug}" must not contain spaces`);
  if (username !== '_json_key' && username !== 'oauth2accesstoken') entry.username = username;
  const appIds = flags['app-ids'];
  if (Array.isArray(appIds) && appIds.length > 0) entry.appIds = appIds;
  const caFile = str(flags, 'ca-file');
  if (caFile !== undefined) {
    const resolved = path.resolve(io.cwd, caFile);
    if (!isFile(resolved)) throw new UsageError(`--ca-file ${caFile}: no such file; give the PEM file of the CA that signed the registry's certificate`);
    entry.caFile = resolved;
  }
  if (bool(flags, 'insecure-skip-tls-verify')) entry.insecureSkipTLSVerify = true;
  if (bool(flags, 'plain-http')) entry.plainHttp = true;
  return { entry, credentials: { username, secret } };
}

async function addCommand(argv: string[], io: CliIO, deps: RegistryCommandDeps): Promise<number> {
  const providerArg = argv[0];
  const provider = (PROVIDERS as readonly string[]).includes(providerArg ?? '') ? (providerArg as Provider) : undefined;
  if (!provider) {
    if (providerArg === undefined || providerArg === '--help' || providerArg === '-h') {
      io.stdout.write(addHelp(undefined));
      return providerArg === undefined ? ExitCode.usage : ExitCode.ok;
    }
    throw new UsageError(`unknown provider "${providerArg}"; use one of ${PROVIDERS.join(', ')}`);
  }
  if (!('token' in PROVIDER_FLAGS[provider])) refuseAmbiguousTokenFlag(argv, `registry add ${provider}`);
  const specs = { ...PROVIDER_FLAGS[provider], ...ADD_COMMON, ...GLOBAL_FLAGS };
  const { flags, positionals } = parseArgs(argv.slice(1), specs, `registry add ${provider}`);
  const anyFlags = flags as AnyFlags;
  if (flags.help) {
    io.stdout.write(addHelp(provider));
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`registry add ${provider} takes no arguments besides flags (got "${positionals[0]}")`);

  if (!io.stdin.isTTY && flags['api-token-stdin'] === true) {
    const secretFromStdin = ['password-stdin', 'token-stdin', 'secretaccesskey-stdin', 'serviceaccountkey-stdin'].find((f) => anyFlags[f] === true);
    if (secretFromStdin) {
      throw new UsageError(`--api-token-stdin and --${secretFromStdin} both read stdin; set REPLICATED_API_TOKEN for the API token and pipe only the registry secret`);
    }
  }
  const portal = await portalConnection(io, flags);
  if (portal) return addToPortal(provider, anyFlags, flags, io, portal);

  const filePath = configPathFor(io, flags, true) ?? path.join(io.cwd, REGISTRIES_FILE_NAME);
  const plan = await planAdd(provider, anyFlags, io);
  const context = await openContext(io, filePath, deps);
  try {
    // Refuse early (before any check or write) when the file is broken.
    const existingSlugs = new Set((await context.store.list()).map((e) => e.slug));
    const image = str(anyFlags, 'image');
    let verification: AccessVerification | undefined;
    if (!flags['skip-validation']) {
      verification = await context.store.verify(plan.entry, plan.credentials, image);
      if (!verification.passed) {
        if (flags.output === 'json') writeJson(io, { added: false, validation: verification });
        else printCheck(io.stderr, verification.result);
        throw new RegistryValidationError(verification);
      }
    }
    const location = await context.docker.store(plan.entry.endpoint, plan.credentials);
    const saved = await context.store.add(plan.entry, plan.credentials, { skipValidation: true });
    // `add` of an existing name replaces that registry (the CLI's way to edit one): say so, never silently.
    const replaced = existingSlugs.has(saved.slug);
    if (flags.output === 'json') {
      writeJson(io, { added: true, replaced, registry: saved, file: filePath, secretStoredIn: location.description, validation: verification ?? null });
    } else {
      io.stdout.write(replaced ? `Registry "${saved.slug}" replaced in ${filePath} (it existed; its settings and secret are now the ones just given)\n` : `Registry "${saved.slug}" added to ${filePath}\n`);
      io.stdout.write(`Secret stored in ${location.description} (never in the registries file)\n`);
      io.stdout.write(
        verification
          ? `Check passed: ${verification.summary}${verification.result.digest ? ` (${verification.result.digest})` : ''}${verification.probe ? '; pass --image to check one' : ''}\n`
          : 'Check skipped (--skip-validation): the credentials were not tested\n',
      );
    }
    return ExitCode.ok;
  } finally {
    await context.close();
  }
}

/** Portal add: the credentials go to Replicated, which checks them (unless --skip-validation); nothing is written here. */
async function addToPortal(provider: Provider, anyFlags: AnyFlags, flags: { output?: string; 'skip-validation'?: boolean }, io: CliIO, portal: PortalConnection): Promise<number> {
  refuseWorkspaceOnlyFlags(anyFlags);
  const plan = await planAdd(provider, anyFlags, io);
  const skipValidation = flags['skip-validation'] === true;
  const saved = await portal.store.add(plan.entry, plan.credentials, { skipValidation });
  if (flags.output === 'json') {
    const { source: _source, ...registry } = saved;
    writeJson(io, { added: true, backend: 'vendor-portal', registry, validatedByPortal: !skipValidation });
  } else {
    io.stdout.write(`Registry "${saved.slug}" added to the vendor portal (${portal.origin})\n`);
    io.stdout.write('Credentials sent to Replicated; nothing was stored on this machine\n');
    io.stdout.write(skipValidation ? 'Check skipped (--skip-validation): the credentials were not tested\n' : 'The vendor portal checked the credentials before saving\n');
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// ls, rm, test, logs

const LS_HELP = `Usage: replicated-registries registry ls [NAME] [flags]

Lists the team's registries from ${REGISTRIES_FILE_NAME} (or, with a Replicated API token, from
the vendor portal: -o json prints the API's objects); NAME keeps only the one whose slug or
endpoint it is. In the vendor portal, --app / REPLICATED_APP keeps the registries that app can use.

Flags:
${formatFlagHelp(LS_FLAGS)}
`;

async function lsCommand(argv: string[], io: CliIO): Promise<number> {
  refuseAmbiguousTokenFlag(argv, 'registry ls');
  const { flags, positionals } = parseArgs(argv, LS_FLAGS, 'registry ls');
  if (flags.help) {
    io.stdout.write(LS_HELP);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new UsageError('registry ls takes at most one NAME');
  const portal = await portalConnection(io, flags);
  if (portal) return lsPortal(io, portal, positionals[0], flags.output);
  const filePath = configPathFor(io, flags, false);
  let entries: RegistryEntry[] = [];
  if (filePath) {
    const docker = new DockerCredentialStore({ env: io.env });
    const store = new WorkspaceRegistryStore({ filePath, credentials: docker, client: { checkPull: () => Promise.reject(new Error('not used by ls')) } });
    entries = await store.list();
  } else {
    io.stderr.write(`note: ${noFileMessage(io)}\n`);
  }
  const name = positionals[0];
  if (name !== undefined) {
    const all = entries;
    entries = entries.filter((e) => e.slug === name || e.endpoint === name);
    // A mistyped NAME must not look like "nothing there" to a script: it is an error, as in `rm` and `test`.
    if (filePath && entries.length === 0) throw new RegistryNotFoundError(name, all.map((e) => e.slug));
  }
  if (flags.output === 'json') {
    writeJson(
      io,
      entries.map(({ source: _source, ...rest }) => rest),
    );
  } else {
    io.stdout.write(
      formatTable(
        ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'],
        entries.map((e) => [e.slug, e.provider, e.endpoint, (e.appIds ?? []).join(','), e.authType]),
      ),
    );
  }
  return ExitCode.ok;
}

/** Portal ls: the API's own objects (JSON) or the replicated CLI's table; `--app` keeps those the app can use. */
async function lsPortal(io: CliIO, portal: PortalConnection, name: string | undefined, output: string | undefined): Promise<number> {
  let registries = await portal.store.api.listRegistries();
  if (name !== undefined) {
    const wanted = name.toLowerCase();
    registries = registries.filter((r) => r.slug.toLowerCase() === wanted || r.endpoint.toLowerCase() === wanted);
  }
  if (portal.app !== undefined) {
    const appId = await portal.store.api.resolveAppId(portal.app);
    if (appId === undefined) {
      throw new UsageError(`no application "${portal.app}" in the vendor portal (from --app or REPLICATED_APP); check the app slug, or unset it to list every registry`);
    }
    const before = registries.length;
    registries = registries.filter((r) => !r.appIds || r.appIds.length === 0 || r.appIds.includes(appId));
    if (registries.length < before) io.stderr.write(`note: ${before - registries.length} registr${before - registries.length === 1 ? 'y is' : 'ies are'} limited to other apps than "${portal.app}" and not shown\n`);
  }
  if (output === 'json') writeJson(io, registries);
  else io.stdout.write(formatTable(['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'], vendorTableRows(registries)));
  return ExitCode.ok;
}

const RM_HELP = `Usage: replicated-registries registry rm NAME [flags]

Removes the registry whose slug (or endpoint) is NAME from ${REGISTRIES_FILE_NAME}, and erases its
stored secret from the Docker credential store unless another registry uses the same endpoint
(that is the same login \`docker login\` uses for the host). With a Replicated API token it removes
the registry from the vendor portal instead.

Flags:
${formatFlagHelp(RM_FLAGS)}
`;

async function rmCommand(argv: string[], io: CliIO): Promise<number> {
  refuseAmbiguousTokenFlag(argv, 'registry rm');
  const { flags, positionals } = parseArgs(argv, RM_FLAGS, 'registry rm');
  if (flags.help) {
    io.stdout.write(RM_HELP);
    return ExitCode.ok;
  }
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry rm takes exactly one NAME (a slug or endpoint; `registry ls` lists them)');
  const portal = await portalConnection(io, flags);
  if (portal) {
    const removed = await portal.store.remove(name);
    if (flags.output === 'json') {
      const { source: _source, ...registry } = removed;
      writeJson(io, { removed: registry, backend: 'vendor-portal' });
    } else io.stdout.write('Registry removed\n');
    return ExitCode.ok;
  }
  const filePath = configPathFor(io, flags, false);
  if (!filePath) throw new UsageError(noFileMessage(io));
  const docker = new DockerCredentialStore({ env: io.env });
  const store = new WorkspaceRegistryStore({ filePath, credentials: docker, client: { checkPull: () => Promise.reject(new Error('not used by rm')) } });
  const removed = await store.remove(name);
  let erasedFrom: string | undefined;
  let eraseWarning: string | undefined;
  const stillUsed = (await store.list()).some((e) => e.endpoint === removed.endpoint);
  if (!stillUsed) {
    try {
      erasedFrom = (await docker.erase(removed.endpoint))?.description;
    } catch (err) {
      eraseWarning = `the registry was removed, but its stored secret could not be erased: ${(err as Error).message}`;
    }
  }
  if (flags.output === 'json') {
    const { source: _source, ...registry } = removed;
    writeJson(io, { removed: registry, secretErasedFrom: erasedFrom ?? null });
  } else {
    io.stdout.write('Registry removed\n');
    if (erasedFrom) io.stdout.write(`Secret for ${removed.endpoint} erased from ${erasedFrom}\n`);
  }
  if (eraseWarning) io.stderr.write(`warning: ${redact(eraseWarning)}\n`);
  return ExitCode.ok;
}

const TEST_HELP = `Usage: replicated-registries registry test NAME --image IMAGE [flags]

Proves the saved credentials can pull IMAGE the way the Replicated proxy will (ping, token, HEAD of
the manifest). IMAGE is relative to the registry (my-company/my-image:v1.2.34) or a full reference
on its host. Credentials come from the Docker credential store, else REPLICATED_REGISTRIES_<SLUG>_*.
With a Replicated API token the test runs on Replicated's servers with the credentials saved in
the vendor portal (200: pullable; 404 MANIFEST_UNKNOWN: the credentials work but the image is
missing or they cannot pull it; anything else: failed with that status).

--as-customer pulls IMAGE as a customer does instead: its proxy reference
(<proxy-domain>/proxy/<app>/<registry>/<image>, or <proxy-domain>/proxy/<app>/<registry name>/<image>
when the registry host has a port), logged in with the customer's license ID (read from stdin with
--license-id-stdin; user LICENSE_ID as KOTS's pull secret, or --customer-email), with the same verdicts.
Exit 0 when the image can be pulled, 1 when not, 2 for usage or configuration errors.

Flags:
${formatFlagHelp(TEST_FLAGS)}
`;

function printCheck(out: NodeJS.WritableStream, result: PullCheckResult): void {
  const rows: Array<[string, string | number | undefined]> = [
    ['verdict', result.verdict],
    ['image', result.image],
    ['message', result.message],
    ['hint', result.hint],
    ['httpStatus', result.httpStatus],
    ['registryError', result.registryErrorCode],
    ['digest', result.digest],
    ['mediaType', result.mediaType],
    ['platforms', result.platforms?.join(', ')],
    ['retryAfter', result.rateLimit?.retryAfterSeconds !== undefined ? `${result.rateLimit.retryAfterSeconds} s` : undefined],
    ['requests', result.requests],
    ['duration', `${Math.round(result.durationMs)} ms`],
  ];
  const shown = rows.filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  out.write(shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${redact(String(v))}`).join('\n') + '\n');
}

async function testCommand(argv: string[], io: CliIO, deps: RegistryCommandDeps): Promise<number> {
  refuseAmbiguousTokenFlag(argv, 'registry test');
  const { flags, positionals } = parseArgs(argv, TEST_FLAGS, 'registry test');
  if (flags.help) {
    io.stdout.write(TEST_HELP);
    return ExitCode.ok;
  }
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry test takes exactly one NAME (a slug or endpoint; `registry ls` lists them) and --image IMAGE');
  if (!flags.image) throw new UsageError('registry test needs --image IMAGE, e.g. --image my-company/my-image:v1.2.34');
  if (flags['as-customer']) return customerTestCommand(name, flags.image, flags, io, deps);
  for (const flag of ['license-id-stdin', 'customer-email', 'proxy-domain'] as const) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag} goes with --as-customer`);
  }
  const portal = await portalConnection(io, flags);
  if (portal) {
    const result = await portal.store.test(name, flags.image);
    if (flags.output === 'json') writeJson(io, result);
    else printCheck(io.stdout, result);
    if (result.verdict !== 'ok') {
      io.stderr.write(`replicated-registries: ${redact(`${result.image}: ${result.verdict} — ${result.message}`)}\n`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  }
  const filePath = configPathFor(io, flags, false);
  if (!filePath) throw new UsageError(noFileMessage(io));
  const context = await openContext(io, filePath, deps, flags['allow-insecure'] ?? []);
  try {
    const { entry, result, credentialOrigin, withheld } = await context.store.testWithDetails(name, flags.image);
    if (withheld !== undefined) {
      io.stderr.write(`note: ${withheld}; the check ran anonymously\n`);
    } else if (credentialOrigin === 'none') {
      const names = environmentVariableNames(entry.slug);
      io.stderr.write(
        `note: no credentials found for "${entry.slug}" (looked in ${context.docker.configPath} and ${names.username} / ${names.password} with ${names.host}); the check ran anonymously\n`,
      );
    }
    if (flags.output === 'json') writeJson(io, result);
    else printCheck(io.stdout, result);
    if (result.verdict !== 'ok') {
      io.stderr.write(`replicated-registries: ${redact(`${result.image}: ${result.verdict} — ${result.message}`)}\n`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  } finally {
    await context.close();
  }
}

/** `registry test NAME --image IMAGE --as-customer --license-id-stdin`: the pull a customer makes. */
async function customerTestCommand(name: string, image: string, flags: ParsedFlags<typeof TEST_FLAGS>, io: CliIO, deps: RegistryCommandDeps): Promise<number> {
  if (!flags['license-id-stdin']) throw new UsageError("--as-customer needs the customer's license ID: pipe it to --license-id-stdin (a flag value would leak into shell history)");
  if (flags['api-token-stdin']) throw new UsageError('--api-token-stdin and --license-id-stdin both read stdin; the customer test needs no API token');
  const filePath = configPathFor(io, flags, false);
  if (!filePath) throw new UsageError(noFileMessage(io));
  const { config } = loadRegistriesFile(filePath);
  const wanted = name.toLowerCase();
  const entry = config.registries.find((candidate) => candidate.slug.toLowerCase() === wanted || candidate.endpoint.toLowerCase() === wanted);
  if (!entry) throw new UsageError(`no registry named "${name}" in ${filePath}; \`registry ls\` lists them`);
  if (!config.app) throw new UsageError(`--as-customer needs the app slug: set app: in ${filePath} (proxy references read <proxy-domain>/proxy/<app>/...)`);
  const resolved = resolveTestImage(entry, image);
  if ('error' in resolved) throw new UsageError(resolved.error);
  const proxyDomain = flags['proxy-domain'] ?? config.customDomains.proxy.map(normalizeHost).find((host) => host !== DEFAULT_PROXY_DOMAIN) ?? DEFAULT_PROXY_DOMAIN;
  const target = customerPullTarget(formatImage(entry, resolved), { app: config.app, proxyDomain, registry: entry });
  if ('error' in target) throw new UsageError(target.error);
  const licenseId = await readSecretFromStdin(io, '--license-id-stdin', 'License ID');
  registerSecret(licenseId);
  let client = deps.client;
  let owned = false;
  if (!client) {
    const { RegistryClient } = await import('../../registry/registryClient');
    client = new RegistryClient({ cacheTtlMs: 0 });
    owned = true;
  }
  try {
    io.stderr.write(`pulling ${target.proxyReference} as a customer of ${config.app}\n`);
    const result = await testAsCustomer(client, target, customerLogin(licenseId, flags['customer-email']));
    if (flags.output === 'json') writeJson(io, result);
    else printCheck(io.stdout, result);
    if (result.verdict !== 'ok') {
      io.stderr.write(`replicated-registries: ${redact(`${result.image}: ${result.verdict} — ${result.message}`)}\n`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  } finally {
    if (owned) await client.close?.();
  }
}

const LOGS_FLAGS = { ...GLOBAL_FLAGS } as const satisfies FlagSpecs;

const LOGS_HELP = `Usage: replicated-registries registry logs NAME [flags]

Shows the vendor portal's pull logs for the registry NAME (its slug or endpoint): when the
Replicated proxy or a test pulled through it, and how that went. Needs a Replicated API token
(REPLICATED_API_TOKEN or --api-token-stdin): the workspace backend keeps no pull logs.

Flags:
${formatFlagHelp(LOGS_FLAGS)}
`;

async function logsCommand(argv: string[], io: CliIO): Promise<number> {
  refuseAmbiguousTokenFlag(argv, 'registry logs');
  const { flags, positionals } = parseArgs(argv, LOGS_FLAGS, 'registry logs');
  if (flags.help) {
    io.stdout.write(LOGS_HELP);
    return ExitCode.ok;
  }
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry logs takes exactly one NAME (a slug or endpoint; `registry ls` lists them)');
  const portal = await portalConnection(io, flags);
  if (!portal) {
    throw new UsageError(
      `pull logs exist only in the Replicated vendor portal (the proxy records them there); ${REGISTRIES_FILE_NAME} keeps none. ` +
        'To see them here, create an API token in the vendor portal and set REPLICATED_API_TOKEN, or pipe it to --api-token-stdin' +
        (flags.workspace === true || flags.config !== undefined ? ', and drop --workspace / --config' : ''),
    );
  }
  const logs = await portal.store.logs(name);
  if (flags.output === 'json') {
    writeJson(io, logs);
    return ExitCode.ok;
  }
  io.stdout.write(
    formatTable(
      ['CREATED AT', 'ACTION', 'STATUS', 'SUCCESS', 'IMAGE'],
      logs.map((l) => [l.createdAt, l.action, l.statusCode === null ? '-' : String(l.statusCode), String(l.isSuccess), l.image ?? '-']),
    ),
  );
  if (logs.length === 0) io.stderr.write(`note: no pulls logged for "${name}" yet; \`registry test ${name} --image IMAGE\` adds one\n`);
  return ExitCode.ok;
}
