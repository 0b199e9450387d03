/**
 * What a finished wizard does: the registries file edited through the editor (the server's
 * WorkspaceEdit, applied to the buffer and saved, so undo works), the login stored in SecretStorage
 * under the entry's name and endpoint, a login kept only for the host it was given for, and the test's
 * health remembered. A portal registry goes to Replicated instead, with its credentials.
 */
import * as vscode from 'vscode';
import type { RegistryFileEdit } from '../../../server/src/protocol/registryRequests';
import type { RegistryEntry } from '../../../server/src/protocol/vocabulary';
import type { WizardResult } from '../flows/registryWizard';
import { sameEndpoint } from '../flows/registryDraft';
import type { CommandContext } from './commandContext';

export const REGISTRIES_FILE_NAME = '.replicated-registries.yaml';

/** Applies a registries-file edit from the server and saves the document. */
export async function applyFileEdit(ctx: CommandContext, fileEdit: RegistryFileEdit): Promise<void> {
  const edit = await ctx.server.toWorkspaceEdit(fileEdit.edit);
  const uri = vscode.Uri.parse(fileEdit.uri);
  if (edit.size === 0 && !fileEdit.created) return;
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(`Could not edit ${vscode.workspace.asRelativePath(uri)}: it changed meanwhile or is read-only. Refresh the Registries view and try again.`);
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (!(await document.save())) throw new Error(`Could not save ${vscode.workspace.asRelativePath(uri)}. Save it by hand (File > Save) to keep the change.`);
}

/** Saves a workspace registry from a wizard's result; `original` is the entry it edits. */
export async function saveWorkspaceRegistry(ctx: CommandContext, result: WizardResult, original: RegistryEntry | undefined, folderUri: string | undefined): Promise<void> {
  const { entry } = result;
  const fileEdit = await ctx.server.send((p) => p.SaveRegistryRequest, { entry, ...(original ? { previousSlug: original.slug } : {}), ...(folderUri ? { folderUri } : {}) });
  await applyFileEdit(ctx, fileEdit);
  // The login under the entry's name and endpoint: the new one, or the kept one under its new name.
  const moved = original !== undefined && (original.slug !== entry.slug || !sameEndpoint(original.endpoint, entry.endpoint));
  if (result.login) await ctx.vault.store(entry, result.login);
  if (moved && original) await ctx.vault.delete(original);
  if (result.testResult) await ctx.lastTests.record(entry, result.testResult.health);
  if (moved && original) await ctx.lastTests.forget(original);
  ctx.logger.info(`Saved registry ${entry.slug} (${entry.endpoint}) to ${REGISTRIES_FILE_NAME}${result.login ? '; its login is in SecretStorage' : ''}.`);
}

/** Adds a registry to the vendor portal: the credentials go to Replicated, which checks them. */
export async function saveToPortal(ctx: CommandContext, result: WizardResult): Promise<void> {
  if (!result.login) throw new Error(`The vendor portal needs the credentials of "${result.entry.slug}" to add it: run Add External Registry again and enter them.`);
  const login = result.login;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Adding "${result.entry.slug}" to the vendor portal (Replicated checks the credentials)…` }, () =>
    ctx.server.send((p) => p.PortalAddRegistryRequest, { entry: { ...result.entry, source: 'portal' }, credentials: login }),
  );
  if (result.testResult) await ctx.lastTests.record({ ...result.entry, source: 'portal' }, result.testResult.health);
}
