/** `registry rm NAME`: removes a registry (and, in the workspace, its secret unless another entry uses that host). */
import { redact } from '../../../log/logger';
import { REGISTRIES_FILE_NAME } from '../../../store/registriesFile/location';
import { formatFlagHelp } from '../../flags';
import { ExitCode, UsageError, type CliIO } from '../../io';
import { writeJson } from '../../output';
import { GLOBAL_FLAGS, requireFile, type Backend, type GlobalFlags } from './backend';

export const RM_FLAGS = { ...GLOBAL_FLAGS };

export const RM_HELP = `Usage: replicated-registries registry rm NAME [flags]

Removes the registry whose slug (or endpoint) is NAME from ${REGISTRIES_FILE_NAME}, and erases its
stored secret from the Docker credential store unless another registry uses the same endpoint
(that is the same login \`docker login\` uses for the host). With a Replicated API token it removes
the registry from the vendor portal instead.

Flags:
${formatFlagHelp(RM_FLAGS)}
`;

export async function runRm(positionals: string[], flags: GlobalFlags, io: CliIO, backend: Backend): Promise<number> {
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('registry rm takes exactly one NAME (a slug or endpoint; `registry ls` lists them)');
  if (backend.kind === 'portal') {
    const removed = await backend.store.remove(name);
    if (flags.output === 'json') {
      const { source: _source, ...registry } = removed;
      writeJson(io, { removed: registry, backend: 'vendor-portal' });
    } else io.stdout.write('Registry removed\n');
    return ExitCode.ok;
  }
  requireFile(io, backend, flags);
  const removed = await backend.store.remove(name);
  let erasedFrom: string | undefined;
  let eraseWarning: string | undefined;
  const stillUsed = (await backend.store.list()).some((e) => e.endpoint === removed.endpoint);
  if (!stillUsed) {
    try {
      erasedFrom = (await backend.docker.erase(removed.endpoint))?.description;
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
