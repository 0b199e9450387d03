/**
 * Extension entry: thin on purpose. Everything is owned by RegistriesExtension; the language
 * client and the engine modules load on first need, so activation only registers things.
 */
import * as vscode from 'vscode';
import { RegistriesExtension } from './registriesExtension';

/** What `vscode.extensions.getExtension(...).exports` returns (read by the benchmarks and e2e tests). */
export interface ReplicatedRegistriesApi {
  /** Wall time `activate` took, in milliseconds. */
  readonly activationTimeMs: number;
}

let extension: RegistriesExtension | undefined;

export function activate(context: vscode.ExtensionContext): ReplicatedRegistriesApi | undefined {
  const started = performance.now();
  try {
    extension = new RegistriesExtension(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `Replicated Registries could not start: ${message}. Reload the window; if it persists, reinstall the extension and report the issue.`,
    );
    return undefined;
  }
  const activationTimeMs = Math.round((performance.now() - started) * 10) / 10;
  extension.logger.info(`Replicated Registries ${(context.extension.packageJSON as { version: string }).version}. Activated in ${activationTimeMs} ms.`);
  return { activationTimeMs };
}

export async function deactivate(): Promise<void> {
  const current = extension;
  extension = undefined;
  await current?.dispose();
}
