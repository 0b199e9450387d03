/**
 * Which steps the registry flow shows, from the answers so far: fixed endpoints and usernames are
 * skipped, so "Add External Registry (n/m)" counts only what the user is asked. Pure, unit-tested.
 */
import type { AuthType, Provider } from '../../../server/src/registry/types';
import { authOptionOf, PROVIDER_INFO } from '../providers';

export type FlowMode = 'add' | 'edit' | 'credentials';

export type StepId = 'provider' | 'endpoint' | 'name' | 'auth' | 'username' | 'secret' | 'connection' | 'test';

export function flowSteps(
  mode: FlowMode,
  answers: { provider?: Provider | undefined; authType?: AuthType | undefined },
  prefilled: ReadonlySet<'provider' | 'endpoint'> = new Set(),
): StepId[] {
  const provider = answers.provider;
  if (mode === 'credentials') {
    const option = authOptionOf(provider ?? 'other', answers.authType);
    return [...(option.fixedUsername ? [] : (['username'] as StepId[])), 'secret', 'test'];
  }
  const steps: StepId[] = [];
  if (!prefilled.has('provider')) steps.push('provider');
  if (!provider || (!PROVIDER_INFO[provider].fixedEndpoint && !prefilled.has('endpoint'))) steps.push('endpoint');
  steps.push('name');
  if (!provider || PROVIDER_INFO[provider].authOptions.length > 1) steps.push('auth');
  if (!provider || !authOptionOf(provider, answers.authType).fixedUsername) steps.push('username');
  steps.push('secret');
  if (!provider || PROVIDER_INFO[provider].connectionOptions) steps.push('connection');
  steps.push('test');
  return steps;
}
