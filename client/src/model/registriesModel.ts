/**
 * The team's registries as the Registries view and the commands see them: the server's overview (the
 * workspace files ∪ the vendor portal, each registry's credential state and health, the files'
 * problems, whether checks are off), with the user's own last tests remembered across restarts.
 */
import type { RegistriesOverview, RegistryHealth, RegistryState } from '../../../server/src/protocol/registryRequests';
import type { ServerConnection } from '../server/serverConnection';
import { latestHealth, type LastTests } from './lastTests';
import { registryStatus, type RegistryStatusKind } from './registryStatus';

export interface RegistryView {
  state: RegistryState;
  /** The latest of the server's record and the user's last test. */
  health?: RegistryHealth;
  status: RegistryStatusKind;
}

export interface RegistriesSnapshot extends Omit<RegistriesOverview, 'registries'> {
  registries: RegistryView[];
}

export class RegistriesModel {
  constructor(
    private readonly server: ServerConnection,
    private readonly lastTests: LastTests,
  ) {}

  async snapshot(): Promise<RegistriesSnapshot> {
    const overview = await this.server.send((p) => p.RegistriesOverviewRequest, {});
    const registries = overview.registries.map((state): RegistryView => {
      const health = latestHealth(state.health, this.lastTests.get(state));
      return { state, ...(health ? { health } : {}), status: registryStatus(state, health) };
    });
    return { ...overview, registries };
  }

  async find(slug: string, source?: 'workspace' | 'portal'): Promise<RegistryView | undefined> {
    return (await this.snapshot()).registries.find((view) => view.state.slug === slug && (source === undefined || (view.state.source ?? 'workspace') === source));
  }
}
