/**
 * RegistriesOverviewRequest: everything the Registries view says, in one answer — the team's registries
 * (the workspace files ∪ the vendor portal) with this machine's credential state and why when there are
 * none, each registry's health (never an image's verdict), each folder's registries file with its
 * problems (a broken file is shown, not silently empty), and whether registry checks are off and why.
 */
import type { RegistriesOverview, RegistryState } from '../../protocol/registryRequests';
import { locateRegistriesFile } from '../../store/registriesFile/location';
import { pathToUri } from '../convert';
import type { ClientRequestContext } from './requestContext';

export async function registriesOverview(ctx: ClientRequestContext): Promise<RegistriesOverview> {
  await ctx.ready();
  const checksOff = await ctx.checksOffReason();
  const registries: RegistryState[] = [];
  for (const entry of ctx.workspace.allRegistries()) {
    const state: RegistryState = { ...entry, credentials: { state: 'none' } };
    const file = entry.source === 'portal' ? undefined : ctx.workspace.fileOfRegistry(entry.slug);
    if (file) state.file = pathToUri(file);
    if (entry.source === 'portal') {
      state.credentials = { state: 'found', reason: 'Kept by Replicated in the vendor portal.' };
    } else if (!ctx.init.trusted) {
      state.credentials = { state: 'not-asked', reason: 'Restricted Mode: credentials are not read and registries are not contacted until you trust this workspace.' };
    } else {
      const answer = await ctx.credentials.answerFor(entry);
      if (answer.credentials) state.credentials = { state: 'found', ...(answer.credentials.origin ? { origin: answer.credentials.origin } : {}) };
      else if (answer.withheld !== undefined) state.credentials = { state: 'withheld', reason: answer.withheld };
    }
    const health = ctx.registries.healthOf(entry.endpoint);
    if (health) state.health = health;
    registries.push(state);
  }
  const files = ctx.workspace.folderConfigs().map(({ folder, loaded }) => {
    const filePath = loaded.file ?? locateRegistriesFile(folder).filePath;
    return {
      uri: pathToUri(filePath),
      exists: loaded.file !== undefined,
      problems: loaded.problems.map((problem) => ({ message: problem.message, severity: problem.severity, line: Math.max(0, problem.line - 1), character: Math.max(0, problem.column - 1) })),
    };
  });
  const portalWarnings = ctx.workspace.portalWarnings();
  return {
    registries,
    files,
    ...(checksOff !== undefined ? { checksOff } : {}),
    portal: { connected: ctx.portalStore() !== undefined, warnings: portalWarnings },
  };
}
