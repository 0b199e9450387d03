/**
 * Every contributed command and its handler; each reports its own failures (one line in the log, one
 * message with "Show Log"). Handlers work from the palette (asking for what they need), from the
 * Registries view (with the clicked node) and, for addRegistry, from the server's "Connect this
 * registry" quick fix (with its prefill).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../log';
import { connectVendorPortal, disconnectVendorPortal, showPullLogs } from '../portal/portalCommands';
import { addRegistry, changeConnectionOptions, editRegistry, reenterCredentials } from './addAndEdit';
import { COMMAND_IDS, type CommandContext } from './commandContext';
import { importFromDockerConfig } from './importDockerConfig';
import { removeRegistry } from './removeRegistry';
import { copyDigest, copyEndpoint, copyImageReference, loadMore, openRegistriesFileProblem, refresh, restartServer } from './smallCommands';
import { testRegistry } from './testRegistry';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    [COMMAND_IDS.addRegistry]: (arg) => addRegistry(ctx, arg),
    [COMMAND_IDS.testRegistry]: (arg, image) => testRegistry(ctx, arg, typeof image === 'string' ? image : undefined),
    [COMMAND_IDS.editRegistry]: (arg) => editRegistry(ctx, arg),
    [COMMAND_IDS.removeRegistry]: (arg) => removeRegistry(ctx, arg),
    [COMMAND_IDS.reenterCredentials]: (arg) => reenterCredentials(ctx, arg),
    [COMMAND_IDS.changeConnectionOptions]: (arg) => changeConnectionOptions(ctx, arg),
    [COMMAND_IDS.refresh]: (arg) => refresh(ctx, arg),
    [COMMAND_IDS.copyEndpoint]: (arg) => copyEndpoint(ctx, arg),
    [COMMAND_IDS.copyImageReference]: (arg) => copyImageReference(ctx, arg),
    [COMMAND_IDS.copyDigest]: (arg) => copyDigest(ctx, arg),
    [COMMAND_IDS.importFromDockerConfig]: () => importFromDockerConfig(ctx),
    [COMMAND_IDS.showLog]: () => ctx.logger.show(),
    [COMMAND_IDS.restartServer]: () => restartServer(ctx),
    [COMMAND_IDS.loadMore]: (arg) => loadMore(ctx, arg),
    [COMMAND_IDS.connectVendorPortal]: () => connectVendorPortal(ctx),
    [COMMAND_IDS.disconnectVendorPortal]: () => disconnectVendorPortal(ctx),
    [COMMAND_IDS.showPullLogs]: (arg) => showPullLogs(ctx, arg),
    [COMMAND_IDS.openRegistriesFileProblem]: (arg) => openRegistriesFileProblem(ctx, arg),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        const message = errorMessage(error).replace(/^replicated-registries: /, '');
        ctx.logger.error(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Replicated Registries: ${message}`, 'Show Log').then((choice) => {
          if (choice) ctx.logger.show();
        });
        return undefined;
      }
    }),
  );
}
