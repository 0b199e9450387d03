/**
 * A registry's status on this machine, from what the server says about it: its health (does it answer,
 * does it take the login) — never an image's verdict — its credentials, an error in its entry, and
 * whether checks are on at all. No `vscode` import: unit-tested.
 */
import type { RegistryHealth, RegistryState } from '../../../server/src/protocol/registryRequests';

export type RegistryStatusKind = 'ok' | 'failed' | 'untested' | 'no-credentials' | 'checks-off' | 'entry-error';

export const STATUS_LABEL: Record<RegistryStatusKind, string> = {
  ok: 'answers and accepts the login',
  failed: 'last check failed',
  untested: 'not checked yet',
  'no-credentials': 'no credentials on this machine',
  'checks-off': 'checks are off until the workspace is trusted',
  'entry-error': 'its entry in the registries file has an error',
};

export function registryStatus(state: RegistryState, health: RegistryHealth | undefined): RegistryStatusKind {
  if (state.problem !== undefined) return 'entry-error';
  if (state.credentials.state === 'not-asked') return 'checks-off';
  if (state.source !== 'portal' && state.credentials.state !== 'found') return health && health.state !== 'ok' ? 'failed' : 'no-credentials';
  if (!health) return 'untested';
  return health.state === 'ok' ? 'ok' : 'failed';
}

/** One line about the health, for the row's tooltip and its child row. */
export function healthLine(health: RegistryHealth): string {
  const who = health.by === 'test' ? 'your test' : 'a background check';
  switch (health.state) {
    case 'ok':
      return health.anonymous ? `Answers (no login was used; ${who})` : `Answers and accepts the login (${who} of ${health.image})`;
    case 'login-failed':
      return health.anonymous ? `Needs a login (${who}): ${health.message}` : `Login rejected (${who}): ${health.message}`;
    case 'rate-limited':
      return `Rate-limited (${who}): ${health.message}`;
    case 'unreachable':
      return `Not reachable (${who}): ${health.message}`;
  }
}
