/**
 * `registry add PROVIDER`: the provider's flags come from the provider catalog (its endpoint, logins and
 * their flags), so the CLI accepts exactly what the registries file and the extension accept. Workspace:
 * the login is checked first (unless --skip-validation), the secret goes to the Docker credential store
 * and the rest to the registries file. Portal: everything goes to Replicated, which checks the login.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../../../log/logger';
import { endpointShapeProblem } from '../../../registry/endpoints';
import { authOptionOf, endpointFitsProvider, providerForHost, providerRecord, type AuthOption } from '../../../registry/providers/catalog';
import { serviceAccountKeyProblem } from '../../../registry/providers/google';
import { PROVIDERS, type AuthType, type Credentials, type Provider, type RegistryEntry } from '../../../registry/types';
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { slugProblem } from '../../../store/registryName';
import { RegistryValidationError, type AccessVerification } from '../../../store/workspaceStore';
import { formatFlagHelp, type FlagSpec, type FlagSpecs } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { printCheck, writeJson } from '../../output';
import { obtainSecret } from '../../secrets';
import { GLOBAL_FLAGS, isDirectory, isFile, type Backend, type PortalBackend, type WorkspaceBackend } from './backend';

const ADD_COMMON = {
  name: { type: 'string', valueName: 'NAME', description: 'the registry name (slug); default: the endpoint' },
  'app-ids': { type: 'list', valueName: 'ID,...', description: 'limit the registry to these application IDs (repeatable, comma-separated)' },
  'skip-validation': { type: 'boolean', description: 'save without checking the credentials first' },
  image: { type: 'string', valueName: 'IMAGE', description: 'check that the credentials can pull this image (relative to the registry, or a full reference on it) before saving; without it only the login is checked' },
} as const satisfies FlagSpecs;

const SECRET_WORDS: Record<AuthOption['secretFlag'], string> = {
  password: 'the password',
  token: 'the access token',
  secretaccesskey: 'the AWS secret access key',
  serviceaccountkey: 'the service-account JSON key file',
};

/** The flags of `registry add PROVIDER`, from the catalog's record. */
export function providerFlags(provider: Provider): FlagSpecs {
  const record = providerRecord(provider);
  const flags: Record<string, FlagSpec> = {};
  if (!record.fixedEndpoint) {
    const required = !record.defaultEndpoint || provider === 'gar';
    flags.endpoint = { type: 'string', valueName: 'HOST', description: `the registry host, e.g. ${record.endpointExample}${required ? ' (required)' : ` (default ${record.defaultEndpoint})`}` };
  }
  const types = record.authOptions.map((option) => option.authType);
  if (types.length > 1) flags.authtype = { type: 'string', valueName: types.join('|'), choices: types, description: `how to authenticate (default ${types[0]})` };
  for (const option of record.authOptions) {
    if (option.usernameFlag === 'username') flags.username = { type: 'string', valueName: 'NAME', description: 'the login name' };
    if (option.usernameFlag === 'accesskeyid') flags.accesskeyid = { type: 'string', valueName: 'ID', description: 'the AWS access key ID' };
    const stem = option.secretFlag;
    if (stem === 'serviceaccountkey') {
      flags.serviceaccountkey = { type: 'string', valueName: 'FILE', description: 'the service-account JSON key file' };
      flags['serviceaccountkey-stdin'] = { type: 'boolean', description: 'read the service-account JSON key from stdin' };
    } else {
      flags[stem] = { type: 'string', valueName: stem.toUpperCase(), description: `${SECRET_WORDS[stem]} (leaks into shell history: prefer --${stem}-stdin)` };
      flags[`${stem}-stdin`] = { type: 'boolean', description: `read ${SECRET_WORDS[stem]} from stdin (a masked prompt on a terminal)` };
    }
  }
  if (record.connectionOptions) {
    flags['ca-file'] = { type: 'string', valueName: 'PEM', description: 'extra CA certificates to trust for this registry' };
    flags['insecure-skip-tls-verify'] = { type: 'boolean', description: 'accept any TLS certificate (prefer --ca-file)' };
    flags['plain-http'] = { type: 'boolean', description: 'talk plain HTTP to the registry' };
  }
  return flags;
}

export function addFlags(provider: Provider): FlagSpecs {
  return { ...providerFlags(provider), ...ADD_COMMON, ...GLOBAL_FLAGS };
}

export function addHelp(provider: Provider | undefined): string {
  if (!provider) {
    return `Usage: replicated-registries registry add PROVIDER [flags]

PROVIDER is one of: ${PROVIDERS.join(', ')}. Run \`registry add PROVIDER --help\` for its flags.
The registry is checked before it is saved (unless --skip-validation); the secret goes to the
Docker credential store, the rest to ${REGISTRIES_FILE_NAME}.
`;
  }
  const record = providerRecord(provider);
  return `Usage: replicated-registries registry add ${provider} [flags]

Connects ${record.inSentence}${record.fixedEndpoint ? ` (endpoint ${record.fixedEndpoint})` : ''}.
The secret is read from stdin with the *-stdin flags (a masked prompt on a terminal) and stored
in the Docker credential store; ${REGISTRIES_FILE_NAME} gets everything else. With a Replicated
API token (REPLICATED_API_TOKEN) the registry and its secret go to the vendor portal instead, which
checks the login itself (unless --skip-validation), and nothing is written on this machine.

Flags:
${formatFlagHelp(addFlags(provider))}
`;
}

type AnyFlags = Record<string, string | boolean | string[] | undefined>;

function str(flags: AnyFlags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

function requireFlag(flags: AnyFlags, name: string, provider: Provider, why: string): string {
  const value = str(flags, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`registry add ${provider} needs --${name} (${why})`);
  return value.trim();
}

/** The auth type: --authtype, else the one whose secret flag was given, else the provider's default. */
function chooseAuthOption(flags: AnyFlags, provider: Provider): AuthOption {
  const options = providerRecord(provider).authOptions;
  const given = (option: AuthOption): boolean => flags[option.secretFlag] !== undefined || flags[`${option.secretFlag}-stdin`] === true;
  const chosenType = str(flags, 'authtype') as AuthType | undefined;
  const chosen = chosenType ? authOptionOf(provider, chosenType) : (options.find(given) ?? authOptionOf(provider, undefined));
  for (const other of options) {
    if (other !== chosen && other.secretFlag !== chosen.secretFlag && given(other)) {
      throw new UsageError(`--${other.secretFlag} / --${other.secretFlag}-stdin go with --authtype ${other.authType}; for --authtype ${chosen.authType} use --${chosen.secretFlag}${chosen.secretFlag === 'serviceaccountkey' ? ' FILE' : ''} / --${chosen.secretFlag}-stdin`);
    }
  }
  return chosen;
}

function checkEndpoint(provider: Provider, endpoint: string): void {
  const shape = endpointShapeProblem(endpoint);
  if (shape) throw new UsageError(`--endpoint: ${shape}`);
  if (!endpointFitsProvider(provider, endpoint)) {
    const actual = providerForHost(endpoint);
    throw new UsageError(
      `--endpoint ${endpoint} is not a ${providerRecord(provider).inSentence} host; ` +
        (actual ? `it is ${providerRecord(actual).inSentence}: use \`registry add ${actual}\`` : `use one like ${providerRecord(provider).endpointExample}, or \`registry add other\` for a self-hosted registry`),
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
  const problem = serviceAccountKeyProblem(key);
  if (problem) throw new UsageError(`--serviceaccountkey: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`);
  registerSecret((JSON.parse(key) as { private_key: string }).private_key);
  return key;
}

interface AddPlan {
  entry: RegistryEntry;
  credentials: Credentials;
}

async function planAdd(provider: Provider, flags: AnyFlags, io: CliIO): Promise<AddPlan> {
  const record = providerRecord(provider);
  const option = chooseAuthOption(flags, provider);
  let endpoint = record.fixedEndpoint;
  if (!endpoint) {
    endpoint = str(flags, 'endpoint')?.trim() || (provider === 'gcr' ? record.defaultEndpoint : undefined) || requireFlag(flags, 'endpoint', provider, `the registry host, e.g. ${record.endpointExample}`);
  }
  checkEndpoint(provider, endpoint);

  const username = option.fixedUsername ?? requireFlag(flags, option.usernameFlag ?? 'username', provider, option.usernameFlag === 'accesskeyid' ? 'the AWS access key ID' : option.authType === 'token' ? 'the login name the token belongs to' : 'the login name');
  const secret =
    option.secretFlag === 'serviceaccountkey'
      ? await serviceAccountKey(io, flags)
      : (await obtainSecret(io, { value: str(flags, option.secretFlag), valueFlag: option.secretFlag, stdin: flags[`${option.secretFlag}-stdin`] === true, stdinFlag: `${option.secretFlag}-stdin`, what: option.secretFlag === 'secretaccesskey' ? 'AWS secret access key' : option.secretFlag === 'token' ? 'Token' : 'Password' })).secret;

  const entry: RegistryEntry = { slug: str(flags, 'name')?.trim() || endpoint, provider, endpoint, authType: option.authType };
  const nameProblem = slugProblem(entry.slug);
  if (nameProblem) throw new UsageError(`--name "${entry.slug}": ${nameProblem}`);
  if (!option.fixedUsername) entry.username = username;
  const appIds = flags['app-ids'];
  if (Array.isArray(appIds) && appIds.length > 0) entry.appIds = appIds;
  const caFile = str(flags, 'ca-file');
  if (caFile !== undefined) {
    const resolved = path.resolve(io.cwd, caFile);
    if (!isFile(resolved)) throw new UsageError(`--ca-file ${caFile}: no such file; give the PEM file of the CA that signed the registry's certificate`);
    entry.caFile = resolved;
  }
  if (flags['insecure-skip-tls-verify'] === true) entry.insecureSkipTLSVerify = true;
  if (flags['plain-http'] === true) entry.plainHttp = true;
  return { entry, credentials: { username, secret } };
}

/** Flags that only make sense for the workspace backend (the portal pulls from Replicated's servers). */
function refuseWorkspaceOnlyFlags(flags: AnyFlags): void {
  const localOnly: Array<[string, string]> = [
    ['ca-file', "Replicated's servers do the pulls, so a local CA file does not apply"],
    ['insecure-skip-tls-verify', "Replicated's servers do the pulls, so a local TLS setting does not apply"],
    ['plain-http', "Replicated's servers do the pulls, so a local protocol setting does not apply"],
    ['image', 'the vendor portal checks the login on add; test an image afterwards with `registry test NAME --image IMAGE`'],
  ];
  for (const [name, why] of localOnly) {
    if (flags[name] !== undefined) throw new UsageError(`--${name} is for the workspace backend: ${why} (or pass --workspace)`);
  }
}

export async function runAdd(provider: Provider, flags: AnyFlags, io: CliIO, backend: Backend): Promise<number> {
  return backend.kind === 'portal' ? addToPortal(provider, flags, io, backend) : addToWorkspace(provider, flags, io, backend);
}

async function addToWorkspace(provider: Provider, flags: AnyFlags, io: CliIO, backend: WorkspaceBackend): Promise<number> {
  if (flags.config !== undefined && !isDirectory(path.dirname(backend.filePath))) {
    throw new UsageError(`--config ${String(flags.config)}: the folder ${path.dirname(backend.filePath)} does not exist; create it first`);
  }
  const plan = await planAdd(provider, flags, io);
  const { store, docker, filePath } = backend;
  // Refuse early (before any check or write) when the file is broken.
  const existingSlugs = new Set((await store.list()).map((e) => e.slug));
  const image = str(flags, 'image');
  let verification: AccessVerification | undefined;
  if (flags['skip-validation'] !== true) {
    verification = await store.verify(plan.entry, plan.credentials, image);
    if (!verification.passed) {
      if (flags.output === 'json') writeJson(io, { added: false, validation: verification });
      else printCheck(io.stderr, verification.result);
      throw new RegistryValidationError(verification);
    }
  }
  const location = await docker.store(plan.entry.endpoint, plan.credentials);
  const saved = await store.add(plan.entry, plan.credentials, { skipValidation: true });
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
}

/** Portal add: the credentials go to Replicated, which checks them (unless --skip-validation); nothing is written here. */
async function addToPortal(provider: Provider, flags: AnyFlags, io: CliIO, portal: PortalBackend): Promise<number> {
  refuseWorkspaceOnlyFlags(flags);
  const plan = await planAdd(provider, flags, io);
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
