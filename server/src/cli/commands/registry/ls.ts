/** `registry ls|list [NAME]`: the team's registries, as the `replicated` CLI's table or JSON. */
import { RegistryNotFoundError } from '../../../store/registriesFile/errors';
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { fromVendor, shownTypes } from '../../../store/portal/portalStore';
import { registriesMatching } from '../../../store/registryName';
import type { RegistryEntry } from '../../../registry/types';
import { formatFlagHelp } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { formatTable, writeJson } from '../../output';
import { describePortal, GLOBAL_FLAGS, noFileMessage, requireFile, type Backend, type GlobalFlags, type PortalBackend } from './backend';

export const LS_FLAGS = { ...GLOBAL_FLAGS };

export const LS_HELP = `Usage: replicated-registries registry ls [NAME] [flags]      (alias: list)

Lists the team's registries from ${REGISTRIES_FILE_NAME} (or, with a Replicated API token or the
replicated CLI's login, from the vendor portal: -o json prints the API's objects). NAME keeps those
whose slug or endpoint contains it (\`ls ghcr\` lists ghcr.io), as \`replicated registry ls\` does.
In the vendor portal, the app (--app, REPLICATED_APP, or .replicated) keeps the registries it can use.
Which backend, token source and app were used is said on stderr.

Flags:
${formatFlagHelp(LS_FLAGS)}
`;

const COLUMNS = ['NAME', 'PROVIDER', 'ENDPOINT', 'APP_IDS', 'AUTHTYPE'];

/** One row of the `replicated` CLI's registries table (no app ids: "-"). */
function row(entry: RegistryEntry): string[] {
  const types = shownTypes(entry);
  return [entry.slug, types.provider, entry.endpoint, entry.appIds && entry.appIds.length > 0 ? entry.appIds.join(',') : '-', types.authType];
}

export async function runLs(positionals: string[], flags: GlobalFlags, io: CliIO, backend: Backend): Promise<number> {
  if (positionals.length > 1) throw new UsageError('registry ls takes at most one NAME');
  const name = positionals[0];
  if (backend.kind === 'portal') return lsPortal(io, backend, name, flags.output);
  if (flags.config !== undefined) requireFile(io, backend, flags);
  let entries = backend.exists ? await backend.store.list() : [];
  if (!backend.exists) io.stderr.write(`note: ${noFileMessage(io)}\n`);
  else io.stderr.write(`note: workspace registries file ${backend.filePath} (no Replicated API token, profile or \`replicated login\` found, or --workspace)\n`);
  if (name !== undefined) {
    const all = entries;
    entries = registriesMatching(entries, name);
    // A mistyped NAME must not look like "nothing there" to a script: it is an error, as in `rm` and `test`.
    if (backend.exists && entries.length === 0) throw new RegistryNotFoundError(name, all.map((e) => e.slug));
  }
  if (flags.output === 'json') writeJson(io, entries.map(({ source: _source, ...rest }) => rest));
  else io.stdout.write(formatTable(COLUMNS, entries.map(row)));
  return ExitCode.ok;
}

/** Portal ls: the API's own objects (JSON) or the replicated CLI's table; the app keeps those it can use. */
async function lsPortal(io: CliIO, portal: PortalBackend, name: string | undefined, output: string | undefined): Promise<number> {
  io.stderr.write(`note: ${describePortal(portal)}\n`);
  let registries = await portal.store.api.listRegistries();
  if (name !== undefined) {
    const all = registries;
    registries = registriesMatching(registries, name);
    if (registries.length === 0) throw new RegistryNotFoundError(name, all.map((r) => r.slug));
  }
  if (portal.app !== undefined) {
    const appId = await portal.store.api.resolveAppId(portal.app);
    if (appId === undefined) {
      throw new UsageError(`no application "${portal.app}" in the vendor portal (from ${portal.appFrom ?? '--app'}); check the app slug, or pass --app with another to list its registries`);
    }
    const before = registries.length;
    registries = registries.filter((r) => !r.appIds || r.appIds.length === 0 || r.appIds.includes(appId));
    if (registries.length < before) io.stderr.write(`note: ${before - registries.length} registr${before - registries.length === 1 ? 'y is' : 'ies are'} limited to other apps than "${portal.app}" and not shown\n`);
  }
  if (output === 'json') writeJson(io, registries);
  else io.stdout.write(formatTable(COLUMNS, registries.map((r) => row(fromVendor(r)))));
  return ExitCode.ok;
}
