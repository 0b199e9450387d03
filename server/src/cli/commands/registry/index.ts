/**
 * `registry add|ls|rm|test|logs`, shaped like `replicated registry`: parses the subcommand's flags with
 * the one CLI parser, opens the backend they choose (backend.ts: the workspace file or the vendor
 * portal) and hands it to the subcommand's own file. Errors a user can act on are one line and an exit code.
 */
import { redact } from '../../../log/logger';
import { CredentialSourceError } from '../../../registry/credentials/types';
import { PROVIDERS, type Provider } from '../../../registry/types';
import { DEFAULT_API_ORIGIN, VendorApiError } from '../../../store/portal/vendorApiClient';
import { RegistriesEditError, RegistriesFileError, RegistryNotFoundError } from '../../../store/registriesFile/errors';
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { RegistryValidationError, TestImageError } from '../../../store/workspaceStore';
import { formatFlagHelp, parseFlags, type FlagSpecs } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { addFlags, addHelp, runAdd } from './add';
import { GLOBAL_FLAGS, openBackend, refuseAmbiguousTokenFlag, type Backend, type BackendDeps } from './backend';
import { LOGS_FLAGS, LOGS_HELP, runLogs } from './logs';
import { LS_FLAGS, LS_HELP, runLs } from './ls';
import { RM_FLAGS, RM_HELP, runRm } from './rm';
import { runTest, TEST_FLAGS, TEST_HELP } from './test';

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

type LooseFlags = Record<string, string | boolean | string[] | undefined>;

/** One subcommand: its flags and help, and what it does with the opened backend. */
interface Subcommand {
  flags: FlagSpecs;
  help: string;
  run(positionals: string[], flags: LooseFlags, io: CliIO, backend: Backend): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  ls: { flags: LS_FLAGS, help: LS_HELP, run: runLs },
  rm: { flags: RM_FLAGS, help: RM_HELP, run: runRm },
  test: { flags: TEST_FLAGS, help: TEST_HELP, run: runTest },
  logs: { flags: LOGS_FLAGS, help: LOGS_HELP, run: runLogs },
};
const ALIASES: Record<string, string> = { list: 'ls', remove: 'rm' };

export function run(argv: string[], io: CliIO): Promise<number> {
  return runRegistryCommand(argv, io);
}

export async function runRegistryCommand(argv: string[], io: CliIO, deps: BackendDeps = {}): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'add') return await add(rest, io, deps);
    const name = ALIASES[sub ?? ''] ?? sub;
    const command = name !== undefined ? SUBCOMMANDS[name] : undefined;
    if (command && name !== undefined) {
      refuseAmbiguousTokenFlag(rest, `registry ${name}`);
      const parsed = parseFlags(rest, command.flags, `registry ${name}`);
      const flags = parsed.flags as LooseFlags;
      const positionals = parsed.positionals;
      if (flags.help === true) {
        io.stdout.write(command.help);
        return ExitCode.ok;
      }
      // The customer's pull reads the registries file and the license on stdin: never the portal, never an API token.
      const customer = name === 'test' && flags['as-customer'] === true;
      if (customer && flags['api-token-stdin'] === true) throw new UsageError('--api-token-stdin and --license-id-stdin both read stdin; the customer test needs no API token');
      const backend = await openBackend(io, customer ? { ...flags, workspace: true, 'api-token': undefined } : flags, deps, Array.isArray(flags['allow-insecure']) ? flags['allow-insecure'] : []);
      try {
        return await command.run(positionals, flags, io, backend);
      } finally {
        if (backend.kind === 'workspace') await backend.store.close();
      }
    }
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      io.stdout.write(USAGE);
      return sub === undefined ? ExitCode.usage : ExitCode.ok;
    }
    throw new UsageError(`unknown registry command "${sub}"; use add, ls, rm, test or logs (see \`registry --help\`)`);
  } catch (err) {
    return failure(err, io);
  }
}

async function add(argv: string[], io: CliIO, deps: BackendDeps): Promise<number> {
  const providerArg = argv[0];
  const provider = (PROVIDERS as readonly string[]).includes(providerArg ?? '') ? (providerArg as Provider) : undefined;
  if (!provider) {
    if (providerArg === undefined || providerArg === '--help' || providerArg === '-h') {
      io.stdout.write(addHelp(undefined));
      return providerArg === undefined ? ExitCode.usage : ExitCode.ok;
    }
    throw new UsageError(`unknown provider "${providerArg}"; use one of ${PROVIDERS.join(', ')}`);
  }
  const specs = addFlags(provider);
  if (!('token' in specs)) refuseAmbiguousTokenFlag(argv, `registry add ${provider}`);
  const parsed = parseFlags(argv.slice(1), specs, `registry add ${provider}`);
  const flags = parsed.flags as LooseFlags;
  const positionals = parsed.positionals;
  if (flags.help === true) {
    io.stdout.write(addHelp(provider));
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`registry add ${provider} takes no arguments besides flags (got "${positionals[0]}")`);
  if (!io.stdin.isTTY && flags['api-token-stdin'] === true) {
    const secretFromStdin = ['password-stdin', 'token-stdin', 'secretaccesskey-stdin', 'serviceaccountkey-stdin'].find((f) => flags[f] === true);
    if (secretFromStdin) {
      throw new UsageError(`--api-token-stdin and --${secretFromStdin} both read stdin; set REPLICATED_API_TOKEN for the API token and pipe only the registry secret`);
    }
  }
  const backend = await openBackend(io, flags, deps);
  try {
    return await runAdd(provider, flags, io, backend);
  } finally {
    if (backend.kind === 'workspace') await backend.store.close();
  }
}

/** The errors a user can act on: one line each (the message says what to do), and the exit code they mean. */
function failure(err: unknown, io: CliIO): number {
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
  if (err instanceof RegistriesFileError || err instanceof RegistriesEditError || err instanceof RegistryNotFoundError || err instanceof TestImageError || err instanceof CredentialSourceError) {
    io.stderr.write(`replicated-registries: ${redact(err.message)}\n`);
    return ExitCode.usage;
  }
  throw err;
}
