/**
 * What a pull check says about the registry itself, apart from the image: whether it answered and took
 * the login. A missing tag, a missing repository or a repository the login may not pull are the image's
 * verdicts (they stay on references and in Problems); the registry answered and accepted the login.
 */
import type { PullCheckResult, Verdict } from './types';

export interface RegistryHealth {
  state: 'ok' | 'login-failed' | 'unreachable' | 'rate-limited';
  /** The check ran without credentials (`ok` then says only that the registry answers). */
  anonymous: boolean;
  verdict: Verdict;
  /** One sentence about the registry itself (for `ok`: that it answered and took the login). */
  message: string;
  hint?: string;
  /** The image of the check that told. */
  image: string;
  checkedAt: string;
  /** A test the user ran, or a check the server ran in the background. */
  by: 'test' | 'background';
}

const STATE: Record<Verdict, RegistryHealth['state']> = {
  ok: 'ok',
  'tag-not-found': 'ok',
  'repository-not-found': 'ok',
  denied: 'ok',
  unauthorized: 'login-failed',
  'rate-limited': 'rate-limited',
  'tls-untrusted': 'unreachable',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  'protocol-error': 'unreachable',
};

/** The registry's health as one check tells it. `host`: the registry as messages name it. */
export function healthOf(result: PullCheckResult, host: string, by: RegistryHealth['by']): RegistryHealth {
  const state = STATE[result.verdict];
  const anonymous = result.anonymous === true;
  const message =
    state === 'ok'
      ? anonymous
        ? `${host} answers; no login was used.`
        : `${host} answers and accepts the login.`
      : result.message;
  const health: RegistryHealth = { state, anonymous, verdict: result.verdict, message, image: result.image, checkedAt: result.checkedAt ?? new Date().toISOString(), by };
  if (state !== 'ok' && result.hint) health.hint = result.hint;
  return health;
}
