/**
 * Add External Registry, Edit External Registry, Re-enter Credentials and Change Connection Options:
 * the wizard (flows/registryWizard.ts) over a draft, then saving what it returns. Re-entered credentials
 * with another username update the registries file too, so the team's file, the hover and the view agree.
 */
import * as vscode from 'vscode';
import type { AddRegistryPrefill } from '../../../server/src/protocol/messages';
import type { RegistryEntry } from '../../../server/src/protocol/vocabulary';
import { runRegistryWizard, type WizardPrefill, type WizardResult } from '../flows/registryWizard';
import type { SavedLogin } from '../flows/registryDraft';
import type { RegistryView } from '../model/registriesModel';
import { pullSentence, verdictText } from '../text/verdictText';
import { firstFolderUri, wizardServices, type CommandContext } from './commandContext';
import { registryFrom } from './registryPicker';
import { applyFileEdit, REGISTRIES_FILE_NAME, saveToPortal, saveWorkspaceRegistry } from './saveRegistry';

const PROVIDERS = ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'];

/** A quick fix's argument, checked (it comes from the server, but a command can be run with anything). */
export function asPrefill(value: unknown): WizardPrefill | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<AddRegistryPrefill & WizardPrefill>;
  if (typeof candidate.endpoint !== 'string' || candidate.endpoint === '' || !PROVIDERS.includes(candidate.provider ?? '')) return undefined;
  const prefill: WizardPrefill = { provider: candidate.provider as WizardPrefill['provider'], endpoint: candidate.endpoint };
  if (typeof candidate.image === 'string' && candidate.image !== '') prefill.image = candidate.image;
  return prefill;
}

async function savedLogin(ctx: CommandContext, entry: RegistryEntry): Promise<SavedLogin | undefined> {
  const stored = await ctx.vault.get(entry);
  return stored ? { endpoint: entry.endpoint, username: stored.username, secret: stored.secret } : undefined;
}

/** Where a new registry goes: the workspace file, or — once connected — the team's registries in the vendor portal. */
async function pickDestination(ctx: CommandContext): Promise<'workspace' | 'portal' | undefined> {
  if (!(await ctx.portal.isConnected())) return 'workspace';
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(cloud) Vendor portal', description: "the team's registries at Replicated", detail: 'The credentials are sent to Replicated, which uses them for the proxy registry; nothing is kept on this machine.', id: 'portal' as const },
      { label: '$(file) Workspace file', description: REGISTRIES_FILE_NAME, detail: 'Shared with your team through version control; the credentials stay in your OS keychain.', id: 'workspace' as const },
    ],
    { title: 'Add External Registry: where to add it', placeHolder: 'Add the registry to the vendor portal or to the workspace file', ignoreFocusOut: true },
  );
  return picked?.id;
}

function savedMessage(result: WizardResult, where: string): string {
  const test = result.testResult ? ` ${verdictText(result.testResult)}` : '';
  return `Registry "${result.entry.slug}" saved to ${where}${result.login ? '; its credentials are in your OS keychain' : ''}.${test}`;
}

export async function addRegistry(ctx: CommandContext, arg?: unknown, imported?: WizardPrefill): Promise<void> {
  const destination = await pickDestination(ctx);
  if (!destination) return;
  if (destination === 'workspace' && !vscode.workspace.workspaceFolders?.length) {
    const choice = await vscode.window.showWarningMessage(`Open your application's folder first: its registries are kept in ${REGISTRIES_FILE_NAME} at the folder's root.`, 'Open Folder…');
    if (choice) await vscode.commands.executeCommand('vscode.openFolder');
    return;
  }
  const prefill = imported ?? asPrefill(arg);
  const folderUri = firstFolderUri();
  const result = await runRegistryWizard(wizardServices(ctx), { mode: 'add', destination, ...(prefill ? { prefill } : {}), ...(folderUri ? { folderUri } : {}) });
  if (!result) return;
  if (destination === 'portal') {
    await saveToPortal(ctx, result);
    ctx.tree.refreshNow();
    void vscode.window.showInformationMessage(`Registry "${result.entry.slug}" added to the vendor portal; its credentials are kept by Replicated, not on this machine.`);
    return;
  }
  await saveWorkspaceRegistry(ctx, result, undefined, folderUri);
  ctx.tree.refresh();
  showSaved(result, savedMessage(result, REGISTRIES_FILE_NAME));
}

/** Portal registries are not edited here: the Vendor API has no update call, and their credentials go to Replicated. */
function refusePortalEdit(view: RegistryView): boolean {
  if (view.state.source !== 'portal') return false;
  void vscode.window.showInformationMessage(`"${view.state.slug}" is in the Replicated vendor portal, which keeps its credentials. To change it, remove it and add it again, or edit it in the vendor portal.`);
  return true;
}

export async function editRegistry(ctx: CommandContext, arg?: unknown, startAt?: 'connection'): Promise<void> {
  const view = await registryFrom(ctx, arg, 'Pick the registry to edit', (candidate) => candidate.state.source !== 'portal');
  if (!view || refusePortalEdit(view)) return;
  const original = stripState(view);
  const saved = await savedLogin(ctx, original);
  const result = await runRegistryWizard(wizardServices(ctx), { mode: 'edit', destination: 'workspace', original, ...(saved ? { saved } : {}), ...(startAt ? { startAt } : {}) });
  if (!result) return;
  await saveWorkspaceRegistry(ctx, result, original, undefined);
  ctx.tree.refresh();
  showSaved(result, savedMessage(result, REGISTRIES_FILE_NAME));
}

export async function reenterCredentials(ctx: CommandContext, arg?: unknown): Promise<void> {
  const view = await registryFrom(ctx, arg, 'Pick the registry whose credentials to re-enter', (candidate) => candidate.state.source !== 'portal');
  if (!view || refusePortalEdit(view)) return;
  const original = stripState(view);
  const saved = await savedLogin(ctx, original);
  const result = await runRegistryWizard(wizardServices(ctx), { mode: 'credentials', destination: 'workspace', original, ...(saved ? { saved } : {}) });
  if (!result?.login) return;
  let fileNote = '';
  if ((result.entry.username ?? '') !== (original.username ?? '')) {
    // The team's file names the login's user: it follows the new username, so the file, the hover and the view agree.
    await applyFileEdit(ctx, await ctx.server.send((p) => p.SaveRegistryRequest, { entry: result.entry, previousSlug: original.slug }));
    fileNote = ` The username in ${REGISTRIES_FILE_NAME} is now ${result.entry.username ?? '(none)'}.`;
  }
  await ctx.vault.store(result.entry, result.login);
  if (result.testResult) await ctx.lastTests.record(result.entry, result.testResult.health);
  ctx.tree.refresh();
  const test = result.testResult ? ` ${verdictText(result.testResult)}` : '';
  showSaved(result, `Credentials for "${original.slug}" saved in your OS keychain.${fileNote}${test}`);
}

/** Edit at the connection options (a failed test's or a health row's "Change Connection Options"). */
export function changeConnectionOptions(ctx: CommandContext, arg?: unknown): Promise<void> {
  return editRegistry(ctx, arg, 'connection');
}

function showSaved(result: WizardResult, message: string): void {
  if (result.testResult && result.testResult.verdict !== 'ok') void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(result.testResult ? message.replace(verdictText(result.testResult), `Test passed: ${pullSentence(result.testResult)}`) : message);
}

/** The entry itself, without what the view adds to it. */
export function stripState(view: RegistryView): RegistryEntry {
  const { credentials: _credentials, health: _health, file: _file, ...entry } = view.state;
  return entry;
}
