/** Remove External Registry: from the workspace file (an editor edit, saved) and its login from SecretStorage, or from the vendor portal. */
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { registryFrom } from './registryPicker';
import { applyFileEdit, REGISTRIES_FILE_NAME } from './saveRegistry';

export async function removeRegistry(ctx: CommandContext, arg?: unknown): Promise<void> {
  const view = await registryFrom(ctx, arg, 'Pick the registry to remove');
  if (!view) return;
  const entry = view.state;
  const portal = entry.source === 'portal';
  const detail = portal
    ? `It is removed from your team's registries in the Replicated vendor portal: the Replicated proxy can no longer pull images from ${entry.endpoint} for your customers, and Replicated deletes the credentials it held.`
    : `It is removed from ${REGISTRIES_FILE_NAME}, which your team shares, and its credentials are deleted from this machine's keychain. Images on ${entry.endpoint} are then reported as not connected.`;
  const where = portal ? ' from the vendor portal' : '';
  const choice = await vscode.window.showWarningMessage(`Remove registry "${entry.slug}" (${entry.endpoint})${where}?`, { modal: true, detail }, 'Remove');
  if (choice !== 'Remove') return;
  if (portal) {
    await ctx.server.send((p) => p.PortalRemoveRegistryRequest, { slug: entry.slug });
  } else {
    await applyFileEdit(ctx, await ctx.server.send((p) => p.RemoveRegistryRequest, { slug: entry.slug }));
    await ctx.vault.delete(entry);
  }
  await ctx.lastTests.forget(entry);
  ctx.tree.refresh();
  void vscode.window.showInformationMessage(`Registry "${entry.slug}" removed${where}.`);
}
