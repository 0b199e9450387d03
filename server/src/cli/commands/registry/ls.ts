/** `registry ls [NAME]`: the team's registries, as the `replicated` CLI's table or JSON. */
import { RegistryNotFoundError } from '../../../store/registriesFile/errors';
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { formatFlagHelp } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { formatTable, writeJson } from '../../output';
import { GLOBAL_FLAGS, noFileMessage, requireFile, type Backend, type GlobalFlags, type PortalBackend } from './backend';

export const LS_FLAGS = { ...GLOBAL_FLAGS };

export const LS_HELP = `Usage: replicated-registries registry ls [NAME] [flags]

Lists the team's registries from ${REGISTRIES_FILE_NAME} (or, with a Replicated API token, from
the vendor portal: -o json prints the API's objects); NAME keeps only the one whose slug or
endpoint it is. In the vendor portal, --app / REPLICATED_APP keeps the registries that app can use.

Flags:
${formatFlagHelp(LS_FLAGS)}
`;

const COLUMNS = ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'];

export async function runLs(positionals: string[], flags: GlobalFlags, io: CliIO, backend: Backend): Promise<number> {
  if (positionals.length > 1) throw new UsageError('registry ls takes at most one NAME');
  const name = positionals[0];
  if (backend.kind === 'portal') return lsPortal(io, backend, name, flags.output);
  if (flags.config !== undefined) requireFile(io, backend, flags);
  let entries = backend.exists ? await backend.store.list() : [];
  if (!backend.exists) io.stderr.write(`note: ${noFileMessage(io)}\n`);
  if (name !== undefined) {
    const all = entries;
    entries = entries.filter((e) => e.slug === name || e.endpoint === name);
    // A mistyped NAME must not look like "nothing there" to a script: it is an error, as in `rm` and `test`.
    if (backend.exists && entries.length === 0) throw new RegistryNotFoundError(name, all.map((e) => e.slug));
  }
  if (flags.output === 'json') writeJson(io, entries.map(({ source: _source, ...rest }) => rest));
  else io.stdout.write(formatTable(COLUMNS, entries.map((e) => [e.slug, e.provider, e.endpoint, (e.appIds ?? []).join(','), e.authType])));
  return ExitCode.ok;
}

/** Portal ls: the API's own objects (JSON) or the replicated CLI's table; `--app` keeps those the app can use. */
async function lsPortal(io: CliIO, portal: PortalBackend, name: string | undefined, output: string | undefined): Promise<number> {
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
  else io.stdout.write(formatTable(COLUMNS, registries.map((r) => [r.slug, r.provider, r.endpoint, (r.appIds ?? []).join(','), r.authType])));
  return ExitCode.ok;
}
