/**
 * `registry test NAME --image IMAGE --as-customer --license-id-stdin`: the pull a customer makes — the
 * image's proxy reference, logged in with the customer's license ID (read from stdin, never a flag value).
 */
import { redact, registerSecret } from '../../../log/logger';
import { DEFAULT_PROXY_DOMAIN, normalizeHost } from '../../../reference/proxy';
import { customerLogin, customerPullTarget, testAsCustomer } from '../../../registry/customerPull';
import { formatImage, resolveTestImage } from '../../../registry/endpoints';
import { loadRegistriesFile } from '../../../store/registriesFile/parse';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { printCheck, writeJson } from '../../output';
import { readSecretFromStdin } from '../../secrets';
import { requireFile, type WorkspaceBackend } from './backend';

/** The flags of `registry test` the customer test reads. */
export interface CustomerTestFlags {
  'license-id-stdin'?: boolean;
  'api-token-stdin'?: boolean;
  'customer-email'?: string;
  'proxy-domain'?: string;
  config?: string;
  output?: string;
}

export async function runCustomerTest(name: string, image: string, flags: CustomerTestFlags, io: CliIO, backend: WorkspaceBackend): Promise<number> {
  if (!flags['license-id-stdin']) throw new UsageError("--as-customer needs the customer's license ID: pipe it to --license-id-stdin (a flag value would leak into shell history)");
  if (flags['api-token-stdin']) throw new UsageError('--api-token-stdin and --license-id-stdin both read stdin; the customer test needs no API token');
  requireFile(io, backend, flags);
  const { config } = loadRegistriesFile(backend.filePath);
  const wanted = name.toLowerCase();
  const entry = config.registries.find((candidate) => candidate.slug.toLowerCase() === wanted || candidate.endpoint.toLowerCase() === wanted);
  if (!entry) throw new UsageError(`no registry named "${name}" in ${backend.filePath}; \`registry ls\` lists them`);
  if (!config.app) throw new UsageError(`--as-customer needs the app slug: set app: in ${backend.filePath} (proxy references read <proxy-domain>/proxy/<app>/...)`);
  const resolved = resolveTestImage(entry, image);
  if ('error' in resolved) throw new UsageError(resolved.error);
  const proxyDomain = flags['proxy-domain'] ?? config.customDomains.proxy.map(normalizeHost).find((host) => host !== DEFAULT_PROXY_DOMAIN) ?? DEFAULT_PROXY_DOMAIN;
  const target = customerPullTarget(formatImage(entry, resolved), { app: config.app, proxyDomain, registry: entry });
  if ('error' in target) throw new UsageError(target.error);
  const licenseId = await readSecretFromStdin(io, '--license-id-stdin', 'License ID');
  registerSecret(licenseId);
  io.stderr.write(`pulling ${target.proxyReference} as a customer of ${config.app}\n`);
  const result = await testAsCustomer(await backend.store.pullChecker(), target, customerLogin(licenseId, flags['customer-email']));
  if (flags.output === 'json') writeJson(io, result);
  else printCheck(io.stdout, result);
  if (result.verdict === 'ok') return ExitCode.ok;
  io.stderr.write(`replicated-registries: ${redact(`${result.image}: ${result.verdict} — ${result.message}`)}\n`);
  return ExitCode.failed;
}
