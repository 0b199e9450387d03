/** The registry a command is about: the clicked node, a slug, or one the user picks. */
import * as vscode from 'vscode';
import type { RegistryView } from '../model/registriesModel';
import { isNode, registryOfNode } from '../tree/treeNodes';
import type { CommandContext } from './commandContext';

const PROVIDER_LABEL: Record<string, string> = { dockerhub: 'Docker Hub', ecr: 'Amazon ECR', gar: 'Google Artifact Registry', gcr: 'Google Container Registry', ghcr: 'GitHub Container Registry', quay: 'Quay', other: 'OCI registry' };

export async function registryFrom(ctx: CommandContext, arg: unknown, placeholder: string, filter: (view: RegistryView) => boolean = () => true): Promise<RegistryView | undefined> {
  const fromNode = isNode(arg) ? registryOfNode(arg) : undefined;
  if (fromNode) return (await ctx.model.find(fromNode.state.slug, fromNode.state.source ?? 'workspace')) ?? fromNode;
  const views = (await ctx.tree.currentSnapshot()).registries.filter(filter);
  if (typeof arg === 'string') {
    const named = views.find((view) => view.state.slug === arg || view.state.endpoint === arg);
    if (named) return named;
  }
  if (views.length === 0) {
    const choice = await vscode.window.showInformationMessage('No external registry is connected yet.', 'Add External Registry');
    if (choice) await vscode.commands.executeCommand('replicated-registries.addRegistry');
    return undefined;
  }
  if (views.length === 1) return views[0];
  const picked = await vscode.window.showQuickPick(
    views.map((view) => ({ label: view.state.slug, description: view.state.endpoint, detail: `${PROVIDER_LABEL[view.state.provider] ?? view.state.provider}${view.state.source === 'portal' ? ' · vendor portal' : ''}`, view })),
    { placeHolder: placeholder, matchOnDescription: true },
  );
  return picked?.view;
}
