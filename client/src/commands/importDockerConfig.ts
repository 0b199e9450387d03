/**
 * Import from Docker Config: the hosts this machine is logged in to, read by the server from Docker's
 * config and credential helpers. A host the team already connected gets its login stored for that
 * registry (the file's username follows it); a new one opens Add with the login and the connection
 * options the host needs (plain HTTP for a registry that answers only over HTTP) preselected.
 */
import * as vscode from 'vscode';
import { registerSecret } from '../../../server/src/protocol/redaction';
import { errorMessage } from '../log';
import { addRegistry, stripState } from './addAndEdit';
import type { CommandContext } from './commandContext';
import { applyFileEdit, REGISTRIES_FILE_NAME } from './saveRegistry';

const PROVIDER_LABEL: Record<string, string> = { dockerhub: 'Docker Hub', ecr: 'Amazon ECR', gar: 'Google Artifact Registry', gcr: 'Google Container Registry', ghcr: 'GitHub Container Registry', quay: 'Quay', other: 'Other OCI registry' };

export async function importFromDockerConfig(ctx: CommandContext): Promise<void> {
  const { configPath, hosts } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading Docker credentials…' }, () => ctx.server.send((p) => p.DockerConfigHostsRequest, {}));
  if (hosts.length === 0) {
    const choice = await vscode.window.showInformationMessage(`No registry login found in ${configPath} or its credential helpers. Run "docker login <registry>" first, or add the registry by hand.`, 'Add External Registry');
    if (choice) await addRegistry(ctx);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    hosts.map((host) => ({
      label: host.host,
      description: PROVIDER_LABEL[host.provider] ?? host.provider,
      detail: host.connectedSlug ? `Connected as "${host.connectedSlug}": its login is stored for that registry` : 'Not connected yet: opens Add External Registry with this login',
      host,
    })),
    { title: 'Import from Docker Config', placeHolder: `Pick a registry you are logged in to (from ${configPath} and its credential helpers)`, ignoreFocusOut: true },
  );
  if (!picked) return;
  const host = picked.host;
  let login: { username: string; secret: string } | null = null;
  try {
    login = await ctx.server.send((p) => p.DockerConfigCredentialsRequest, { host: host.host });
    if (login) registerSecret(login.secret);
  } catch (error) {
    ctx.logger.warn(`Reading Docker's login for ${host.host} failed: ${errorMessage(error)}`);
    void vscode.window.showWarningMessage(`Could not read Docker's login for ${host.host} (${errorMessage(error)}); enter the credentials by hand.`);
  }

  if (host.connectedSlug) {
    const view = await ctx.model.find(host.connectedSlug, 'workspace');
    if (!view) throw new Error(`Registry "${host.connectedSlug}" is no longer in ${REGISTRIES_FILE_NAME}; refresh the Registries view and import again.`);
    if (!login) return;
    const entry = stripState(view);
    let note = '';
    if ((entry.username ?? '') !== login.username) {
      const confirm = await vscode.window.showWarningMessage(
        `Docker's login for ${host.host} is user "${login.username}", but ${REGISTRIES_FILE_NAME} names "${entry.username ?? '(none)'}" for "${entry.slug}". Use Docker's login and update the file?`,
        { modal: true },
        'Use Docker\'s Login',
      );
      if (!confirm) return;
      await applyFileEdit(ctx, await ctx.server.send((p) => p.SaveRegistryRequest, { entry: { ...entry, username: login.username }, previousSlug: entry.slug }));
      note = ` The username in ${REGISTRIES_FILE_NAME} is now ${login.username}.`;
    }
    await ctx.vault.store({ slug: entry.slug, endpoint: entry.endpoint }, login);
    ctx.tree.refresh();
    const choice = await vscode.window.showInformationMessage(`Docker's login for ${host.host} is now stored in your OS keychain for registry "${entry.slug}".${note}`, 'Test Registry');
    if (choice) await vscode.commands.executeCommand('replicated-registries.testRegistry', { kind: 'registry', view });
    return;
  }

  // A new registry: prefilled with the login and what the host needs.
  const probe = host.provider === 'other' && vscode.workspace.isTrusted ? await ctx.server.send((p) => p.ProbeRegistryRequest, { provider: host.provider, endpoint: host.host }).catch(() => undefined) : undefined;
  await addRegistry(ctx, undefined, {
    provider: host.provider,
    endpoint: host.host,
    ...(login ? { username: login.username, secret: login.secret, secretSource: "Docker's credential store" } : {}),
    ...(probe?.suggested.plainHttp ? { plainHttp: true } : {}),
    ...(probe ? { probeMessage: probe.message } : {}),
  });
}
