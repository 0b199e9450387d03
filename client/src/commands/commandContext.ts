/**
 * What every command handler may use: the server (the only door to the engine), the model the view
 * shows, this machine's secrets and consent, and the view itself.
 */
import * as vscode from 'vscode';
import type { ClientLogger } from '../log';
import type { LastTests } from '../model/lastTests';
import type { RegistriesModel, RegistryView } from '../model/registriesModel';
import type { CredentialsVault } from '../secrets/credentialsVault';
import type { InsecureConsent } from '../secrets/insecureConsent';
import type { PortalConnectionStore } from '../secrets/portalConnection';
import type { ServerConnection } from '../server/serverConnection';
import type { RegistriesTreeProvider } from '../tree/registriesTree';
import type { WizardServices } from '../flows/registryWizard';

export interface CommandContext {
  server: ServerConnection;
  model: RegistriesModel;
  vault: CredentialsVault;
  lastTests: LastTests;
  consent: InsecureConsent;
  portal: PortalConnectionStore;
  tree: RegistriesTreeProvider;
  logger: ClientLogger;
}

export const COMMAND_IDS = {
  addRegistry: 'replicated-registries.addRegistry',
  testRegistry: 'replicated-registries.testRegistry',
  editRegistry: 'replicated-registries.editRegistry',
  removeRegistry: 'replicated-registries.removeRegistry',
  reenterCredentials: 'replicated-registries.reenterCredentials',
  changeConnectionOptions: 'replicated-registries.changeConnectionOptions',
  refresh: 'replicated-registries.refresh',
  copyEndpoint: 'replicated-registries.copyEndpoint',
  copyImageReference: 'replicated-registries.copyImageReference',
  copyDigest: 'replicated-registries.copyDigest',
  importFromDockerConfig: 'replicated-registries.importFromDockerConfig',
  showLog: 'replicated-registries.showLog',
  restartServer: 'replicated-registries.restartServer',
  loadMore: 'replicated-registries.loadMore',
  connectVendorPortal: 'replicated-registries.connectVendorPortal',
  disconnectVendorPortal: 'replicated-registries.disconnectVendorPortal',
  showPullLogs: 'replicated-registries.showPullLogs',
  openRegistriesFileProblem: 'replicated-registries.openRegistriesFileProblem',
} as const;

/** The wizard's services: everything goes to the server; consent is recorded on this machine. */
export function wizardServices(ctx: CommandContext): WizardServices {
  let catalog: ReturnType<WizardServices['catalog']> | undefined;
  return {
    catalog: () => (catalog ??= ctx.server.send((p) => p.ProviderCatalogRequest, {}).then((answer) => answer.providers)),
    check: (params) => ctx.server.send((p) => p.CheckRegistryDraftRequest, params),
    probe: (provider, endpoint) => ctx.server.send((p) => p.ProbeRegistryRequest, { provider, endpoint }),
    test: (params) => ctx.server.send((p) => p.TestRegistryDraftRequest, params),
    canTest: () => vscode.workspace.isTrusted,
    allowInsecure: (host) => ctx.consent.allow(host),
  };
}

/** The first workspace folder's URI (where a new registries file goes), if any. */
export function firstFolderUri(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.toString();
}

/** A registry view from a tree node, a slug, or undefined. */
export type RegistryArg = RegistryView | undefined;
