/** `registry logs NAME`: the vendor portal's pull logs of one registry (the workspace keeps none). */
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { formatFlagHelp } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { formatTable, writeJson } from '../../output';
import { GLOBAL_FLAGS, type Backend, type GlobalFlags } from './backend';

export const LOGS_FLAGS = { ...GLOBAL_FLAGS };

export const LOGS_HELP = `Usage: replicated-registries registry logs NAME [flags]

Shows the vendor portal's pull logs for the registry NAME (its slug or endpoint): when the
Replicated proxy or a test pulled through it, and how that went. Needs a Replicated API token
(REPLICATED_API_TOKEN or --api-token-stdin): the workspace backend keeps no pull logs.

Flags:
${formatFlagHelp(LOGS_FLAGS)}
`;

export async function runLogs(positionals: string[], flags: GlobalFlags, io: CliIO, backend: Backend): Promise<number> {
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry logs takes exactly one NAME (a slug or endpoint; `registry ls` lists them)');
  if (backend.kind !== 'portal') {
    throw new UsageError(
      `pull logs exist only in the Replicated vendor portal (the proxy records them there); ${REGISTRIES_FILE_NAME} keeps none. ` +
        'To see them here, create an API token in the vendor portal and set REPLICATED_API_TOKEN, or pipe it to --api-token-stdin' +
        (flags.workspace === true || flags.config !== undefined ? ', and drop --workspace / --config' : ''),
    );
  }
  const logs = await backend.store.logs(name);
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
