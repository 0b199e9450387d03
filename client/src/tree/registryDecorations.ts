/**
 * A registry's status on this machine as a colored badge on its tree row, through a
 * FileDecorationProvider keyed by the row's `resourceUri` (the status travels in its query).
 */
import * as vscode from 'vscode';
import type { RegistryStatusKind } from '../model/registryStatus';

export const STATUS_SCHEME = 'replicated-registries';

export function statusUri(slug: string, status: RegistryStatusKind): vscode.Uri {
  return vscode.Uri.from({ scheme: STATUS_SCHEME, path: `/registry/${encodeURIComponent(slug)}`, query: `status=${status}` });
}

const DECORATIONS: Record<RegistryStatusKind, vscode.FileDecoration> = {
  ok: new vscode.FileDecoration('✓', 'Answers and accepts the login', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.FileDecoration('✗', 'Last check of the registry failed', new vscode.ThemeColor('testing.iconFailed')),
  untested: new vscode.FileDecoration('?', 'Not checked yet'),
  'no-credentials': new vscode.FileDecoration('!', 'No credentials on this machine', new vscode.ThemeColor('list.warningForeground')),
  'checks-off': new vscode.FileDecoration('–', 'Checks are off until the workspace is trusted'),
  'entry-error': new vscode.FileDecoration('!', 'Its entry in the registries file has an error', new vscode.ThemeColor('list.errorForeground')),
};

export class RegistryStatusDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== STATUS_SCHEME) return undefined;
    const status = /(?:^|&)status=([a-z-]+)/.exec(uri.query)?.[1] as RegistryStatusKind | undefined;
    return status ? DECORATIONS[status] : undefined;
  }
}
