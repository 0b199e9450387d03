/**
 * A test's answer said once, in sentences a notification can carry whole: the image's verdict, what it
 * says about the registry (its health), and the next step in the wizard's terms. No `vscode` import.
 */
import type { PullCheckResult } from '../../../server/src/protocol/vocabulary';
import type { RegistryTestResult } from '../../../server/src/protocol/registryRequests';
import { failureSentence } from './failureText';

/** "ghcr.io/acme/app:1.0 can be pulled (digest sha256:…)." */
export function pullSentence(result: PullCheckResult): string {
  return `${result.image} can be pulled${result.digest ? ` (digest ${result.digest})` : ''}.`;
}

/** The whole verdict: what happened, the next step (the wizard's words when the server gave them). */
export function verdictText(result: RegistryTestResult): string {
  if (result.verdict === 'ok') return `Test passed: ${pullSentence(result)}`;
  const advice = result.advice?.text;
  return advice ? `${result.message.trim().replace(/\.?$/, '.')} ${advice}` : failureSentence(result.message, result.hint);
}

/** The image's verdict is about the image, not the registry: the registry answered and took the login. */
export function isImageVerdict(result: RegistryTestResult): boolean {
  return result.verdict !== 'ok' && result.health.state === 'ok';
}
