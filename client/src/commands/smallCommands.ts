/** The small commands: refresh, copy endpoint / image reference / digest, restart the server, load more, open a registries-file problem. */
import * as vscode from 'vscode';
import { errorMessage } from '../log';
import { isNode, tagReference } from '../tree/treeNodes';
import type { CommandContext } from './commandContext';
import { registryFrom } from './registryPicker';

export function refresh(ctx: CommandContext, arg?: unknown): void {
  if (isNode(arg) && (arg.kind === 'tags' || arg.kind === 'catalog')) return ctx.tree.refreshNow(arg);
  if (isNode(arg) && arg.kind === 'message' && arg.retry && (arg.retry.kind === 'tags' || arg.retry.kind === 'catalog')) return ctx.tree.refreshNow(arg.retry);
  ctx.tree.refreshNow();
}

export async function copyEndpoint(ctx: CommandContext, arg?: unknown): Promise<void> {
  const view = await registryFrom(ctx, arg, 'Pick the registry whose endpoint to copy');
  if (!view) return;
  await vscode.env.clipboard.writeText(view.state.endpoint);
  vscode.window.setStatusBarMessage(`Copied ${view.state.endpoint}`, 4000);
}

export async function copyImageReference(ctx: CommandContext, arg?: unknown): Promise<void> {
  let text: string | undefined;
  if (isNode(arg)) {
    if (arg.kind === 'reference') text = arg.image.text;
    else if (arg.kind === 'tag') text = tagReference(arg);
    else if (arg.kind === 'repository') text = `${arg.registry.state.endpoint === 'index.docker.io' ? 'docker.io' : arg.registry.state.endpoint}/${arg.repository}`;
  }
  if (text === undefined) {
    let images: { text: string; uri: string; line: number }[] = [];
    try {
      images = await ctx.server.send((p) => p.WorkspaceImagesRequest, {});
    } catch (error) {
      ctx.logger.warn(`Could not list the workspace's images: ${errorMessage(error)}`);
    }
    if (images.length === 0) {
      void vscode.window.showInformationMessage("No image reference found in this workspace's YAML files. Open a Kubernetes manifest, Helm values or Compose file with an image first.");
      return;
    }
    const picked = await vscode.window.showQuickPick(
      images.map((image) => ({ label: image.text, description: `${vscode.workspace.asRelativePath(vscode.Uri.parse(image.uri))}:${image.line + 1}` })),
      { title: 'Copy Image Reference', placeHolder: 'Pick the image reference to copy', matchOnDescription: true },
    );
    text = picked?.label;
  }
  if (!text) return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`Copied ${text}`, 4000);
}

/** Copies a tag's digest (`host/repository@sha256:…`'s digest), fetched from the registry if not known yet. */
export async function copyDigest(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!isNode(arg) || arg.kind !== 'tag') {
    void vscode.window.showInformationMessage('Right-click a tag under "Tags in the registry" in the Registries view to copy its digest.');
    return;
  }
  const details = await ctx.tree.detailsOf(arg);
  if (!details.digest) {
    void vscode.window.showErrorMessage(`No digest for ${tagReference(arg)}: ${details.error?.message ?? 'the registry did not send one'}.`);
    return;
  }
  await vscode.env.clipboard.writeText(details.digest);
  vscode.window.setStatusBarMessage(`Copied ${details.digest}`, 4000);
}

export async function restartServer(ctx: CommandContext): Promise<void> {
  if (await ctx.server.restart()) {
    ctx.tree.refresh();
    vscode.window.setStatusBarMessage('Replicated Registries language server restarted', 4000);
  }
}

export async function loadMore(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (isNode(arg) && arg.kind === 'loadMore') await ctx.tree.loadMore(arg);
  else void vscode.window.showInformationMessage('Expand "Tags in the registry" or "Catalog" in the Registries view and click "Load more…" there.');
}

/** Opens the registries file at a problem the view lists. */
export async function openRegistriesFileProblem(_ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!isNode(arg) || arg.kind !== 'fileProblem') return;
  const node = arg;
  const position = new vscode.Position(node.problem.line, node.problem.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(node.file.uri), { selection: new vscode.Range(position, position) });
}
