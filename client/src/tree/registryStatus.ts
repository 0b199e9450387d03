/**
 * A registry's status on this machine (ok / failed / untested / no credentials), shown as a colored
 * badge on its tree row through a FileDecorationProvider keyed by the row's `resourceUri`.
 */
import * as vscode from 'vscode';
import type { RegistryView } from '../registriesModel';

export type RegistryStatusKind = 'ok' | 'failed' | 'untested' | 'no-credentials';

export const STATUS_SCHEME = 'replicated-registries';

export function registryStatus(view: RegistryView): RegistryStatusKind {
  if (!view.hasCredentials && view.entry.source !== 'portal') return 'no-credentials';
  if (!view.lastCheck) return 'untested';
  return view.lastCheck.verdict === 'ok' ? 'ok' : 'failed';
}

export const STATUS_LABEL: Record<RegistryStatusKind, string> = {
  ok: 'last test passed',
  failed: 'last test failed',
  untested: 'not tested yet',
  'no-credentials': 'no credentials on this machine',
};

/** The row's resource: the status travels in the query, so the decoration needs no lookup. */
export function statusUri(slug: string, status: RegistryStatusKind): vscode.Uri {
  return vscode.Uri.from({ scheme: STATUS_SCHEME, path: `/registry/${encodeURIComponent(slug)}`, query: `status=${status}` });
}

const DECORATIONS: Record<RegistryStatusKind, vscode.FileDecoration> = {
  ok: new vscode.FileDecoration('✓', 'Last test passed', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.FileDecoration('✗', 'Last test failed', new vscode.ThemeColor('testing.iconFailed')),
  untested: new vscode.FileDecoration('?', 'Not tested yet'),
  'no-credentials': new vscode.FileDecoration('!', 'No credentials on this machine', new vscode.ThemeColor('list.warningForeground')),
};

export class RegistryStatusDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== STATUS_SCHEME) return undefined;
    const status = /(?:^|&)status=([a-z-]+)/.exec(uri.query)?.[1] as RegistryStatusKind | undefined;
    return status ? DECORATIONS[status] : undefined;
  }
}
