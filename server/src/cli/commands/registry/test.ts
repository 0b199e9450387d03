/** `registry test NAME --image IMAGE`: the pull the proxy will do, with this machine's credentials (or Replicated's server-side test). */
import { redact } from '../../../log/logger';
import { ALLOW_INSECURE_VARIABLE } from '../../../registry/credentials/credentialGate';
import { environmentVariableNames } from '../../../registry/credentials/environmentCredentialSource';
import type { PullCheckResult } from '../../../registry/types';
import { formatFlagHelp, type FlagSpecs, type ParsedFlags } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { printCheck, writeJson } from '../../output';
import { GLOBAL_FLAGS, requireFile, type Backend } from './backend';
import { runCustomerTest } from './testAsCustomer';

export const TEST_FLAGS = {
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

export type TestFlags = ParsedFlags<typeof TEST_FLAGS>;

export const TEST_HELP = `Usage: replicated-registries registry test NAME --image IMAGE [flags]

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

export async function runTest(positionals: string[], flags: TestFlags, io: CliIO, backend: Backend): Promise<number> {
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry test takes exactly one NAME (a slug or endpoint; `registry ls` lists them) and --image IMAGE');
  if (!flags.image) throw new UsageError('registry test needs --image IMAGE, e.g. --image my-company/my-image:v1.2.34');
  if (flags['as-customer']) {
    if (backend.kind !== 'workspace') throw new UsageError('--as-customer reads the registries file: pass --workspace (the customer test needs no vendor API token)');
    return runCustomerTest(name, flags.image, flags, io, backend);
  }
  for (const flag of ['license-id-stdin', 'customer-email', 'proxy-domain'] as const) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag} goes with --as-customer`);
  }
  if (backend.kind === 'portal') return report(io, flags, await backend.store.test(name, flags.image));
  requireFile(io, backend, flags);
  const { entry, result, credentialOrigin, withheld } = await backend.store.testWithDetails(name, flags.image);
  if (withheld !== undefined) {
    io.stderr.write(`note: ${withheld}; the check ran anonymously\n`);
  } else if (credentialOrigin === 'none') {
    const names = environmentVariableNames(entry.slug);
    io.stderr.write(`note: no credentials found for "${entry.slug}" (looked in ${backend.docker.configPath} and ${names.username} / ${names.password} with ${names.host}); the check ran anonymously\n`);
  }
  return report(io, flags, result);
}

function report(io: CliIO, flags: TestFlags, result: PullCheckResult): number {
  if (flags.output === 'json') writeJson(io, result);
  else printCheck(io.stdout, result);
  if (result.verdict === 'ok') return ExitCode.ok;
  io.stderr.write(`replicated-registries: ${redact(`${result.image}: ${result.verdict} — ${result.message}`)}\n`);
  return ExitCode.failed;
}
