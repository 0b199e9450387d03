/**
 * The vendor-portal pieces of the extension that need no `vscode`: where the API origin comes from,
 * what is kept in SecretStorage (and how it is read back), and how pull logs and server-side test
 * verdicts are put into words. Unit-tested in test/unit/clientPortal.test.ts.
 */
import type { PortalConnection } from '../../../server/src/protocol/messages';
import type { PullCheckResult, PullLogEntry } from '../../../server/src/protocol/vocabulary';
import { failureSentence } from '../text/failureText';

/** Same value as the engine's DEFAULT_API_ORIGIN (a unit test keeps them equal); not imported so activation does not load the API client. */
export const DEFAULT_VENDOR_API_ORIGIN = 'https://api.replicated.com/vendor';

/** The setting that points the extension at another Vendor API (a proxy, a test stand-in). */
export const API_ORIGIN_SETTING = 'vendorPortal.apiOrigin';

/** Where users create the token the Connect command asks for. */
export const API_TOKEN_HELP =
  'Create one in the Replicated vendor portal (https://vendor.replicated.com) under Account Settings → API Tokens, or as a Service Account token under Team → Service Accounts.';

export interface ApiOriginChoice {
  /** Present when the setting or REPLICATED_API_ORIGIN decides it; absent means "ask, defaulting to DEFAULT_VENDOR_API_ORIGIN". */
  origin?: string;
  source: 'setting' | 'environment' | 'ask';
}

/**
 * The setting wins (it is what the user or the workspace's admin chose), then REPLICATED_API_ORIGIN
 * (the variable the CLI and the `replicated` CLI honour), else the Connect command asks, with the default.
 */
export function chooseApiOrigin(setting: string | undefined, environment: string | undefined): ApiOriginChoice {
  const fromSetting = setting?.trim();
  if (fromSetting) return { origin: normalizeApiOrigin(fromSetting), source: 'setting' };
  const fromEnvironment = environment?.trim();
  if (fromEnvironment) return { origin: normalizeApiOrigin(fromEnvironment), source: 'environment' };
  return { source: 'ask' };
}

/** Without trailing slashes, so paths append cleanly. */
export function normalizeApiOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '');
}

/** Input-box validation: an http(s) URL without credentials, query or fragment. `undefined` = fine. */
export function validateApiOrigin(value: string): string | undefined {
  const text = value.trim();
  if (text === '') return `Enter the Vendor API origin, e.g. ${DEFAULT_VENDOR_API_ORIGIN}.`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL. Enter it with its scheme, e.g. ${DEFAULT_VENDOR_API_ORIGIN}.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `The Vendor API is reached over https (or http for a local stand-in), not ${url.protocol}.`;
  if (url.username || url.password) return 'Leave credentials out of the URL: the API token is entered separately and kept in your OS keychain.';
  if (url.search || url.hash) return 'Leave the query and fragment out: enter only the origin and base path, e.g. https://api.replicated.com/vendor.';
  return undefined;
}

/** Input-box validation of a pasted API token. */
export function validateApiToken(value: string): string | undefined {
  const token = value.trim();
  if (token === '') return `Paste a Replicated API token. ${API_TOKEN_HELP}`;
  if (/^bearer\s/i.test(token)) return 'Paste the token alone, without "Bearer ": the Vendor API takes the raw token.';
  if (/\s/.test(token)) return 'An API token has no spaces or line breaks: paste it again.';
  return undefined;
}

/** Optional app slug: empty means none. */
export function validateAppSlug(value: string): string | undefined {
  const slug = value.trim();
  if (slug === '') return undefined;
  return /^[a-z0-9][a-z0-9-]*$/.test(slug) ? undefined : 'An app slug has lowercase letters, digits and dashes only (e.g. my-app); leave it empty to skip.';
}

/** What SecretStorage holds under one key: the token and where it is valid, as one JSON value. */
export function serializePortalConnection(connection: PortalConnection): string {
  const stored: PortalConnection = { token: connection.token, origin: normalizeApiOrigin(connection.origin) };
  if (connection.app) stored.app = connection.app;
  return JSON.stringify(stored);
}

/** Reads back what serializePortalConnection wrote; anything else (older, hand-edited) is treated as not connected. */
export function parsePortalConnection(raw: string | undefined): PortalConnection | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { token, origin, app } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || token.trim() === '' || typeof origin !== 'string' || validateApiOrigin(origin) !== undefined) return undefined;
  const connection: PortalConnection = { token, origin: normalizeApiOrigin(origin) };
  if (typeof app === 'string' && app.trim() !== '') connection.app = app.trim();
  return connection;
}

export const PULL_LOG_COLUMNS = ['CREATED AT', 'ACTION', 'STATUS', 'SUCCESS', 'IMAGE'] as const;

/** One pull-log row as the `replicated registry logs` table shows it. */
export function pullLogRow(log: PullLogEntry): string[] {
  return [log.createdAt, log.action, log.statusCode === null ? '-' : String(log.statusCode), log.isSuccess ? 'true' : 'false', log.image ?? '-'];
}

/** A fixed-width table (header first), for the log channel. */
export function formatPullLogTable(logs: readonly PullLogEntry[]): string[] {
  const rows = [Array.from(PULL_LOG_COLUMNS), ...logs.map(pullLogRow)];
  const widths = PULL_LOG_COLUMNS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
}

/** A QuickPick row per log: the image and status first, the rest as description. */
export function pullLogPickItem(log: PullLogEntry): { label: string; description: string; detail: string } {
  const [createdAt, action, status, success, image] = pullLogRow(log);
  return {
    label: `${log.isSuccess ? '$(pass)' : '$(error)'} ${image}`,
    description: `${action} · HTTP ${status}`,
    detail: `CREATED AT ${createdAt} · ACTION ${action} · STATUS ${status} · SUCCESS ${success}`,
  };
}

/**
 * The words shown after a server-side test: what the status means for the vendor. 404 is the
 * portal's MANIFEST_UNKNOWN, which does NOT mean the credentials are wrong.
 */
export function portalTestSentence(slug: string, result: PullCheckResult): string {
  const status = result.httpStatus !== undefined ? ` (HTTP ${result.httpStatus})` : '';
  if (result.verdict === 'ok') return `Vendor portal test passed for "${slug}"${status}: ${result.message}`;
  if (result.httpStatus === 404) {
    return `Vendor portal test for "${slug}": 404 MANIFEST_UNKNOWN — the credentials are fine, but ${result.image} is missing or not pullable with them. ${result.hint ?? ''}`.trim();
  }
  return `Vendor portal test failed for "${slug}"${status}: ${failureSentence(result.message, result.hint)}`;
}
