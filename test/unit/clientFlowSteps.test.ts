/**
 * The step counts behind the QuickInput titles ("Add External Registry (n/m)") that users and the
 * e2e tests read: per provider, with a quick fix's prefill, and for "Re-enter Credentials".
 * Run: node --import tsx --test test/unit/clientFlowSteps.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flowSteps } from '../../client/src/commands/flowSteps';

void describe('flowSteps', () => {
  void it('asks every step before the provider is known', () => {
    assert.deepEqual(flowSteps('add', {}), ['provider', 'endpoint', 'name', 'auth', 'username', 'secret', 'connection', 'test']);
  });

  void it('skips fixed endpoints, fixed usernames and single auth types per provider', () => {
    const counts = Object.fromEntries(
      (['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'] as const).map((provider) => [provider, flowSteps('add', { provider }).join(',')]),
    );
    assert.deepEqual(counts, {
      dockerhub: 'provider,name,auth,username,secret,test',
      ecr: 'provider,endpoint,name,username,secret,test',
      gar: 'provider,endpoint,name,auth,secret,test',
      gcr: 'provider,endpoint,name,secret,test',
      ghcr: 'provider,name,username,secret,test',
      quay: 'provider,name,username,secret,test',
      other: 'provider,endpoint,name,auth,username,secret,connection,test',
    });
  });

  void it('starts at the name when a quick fix prefilled provider and endpoint', () => {
    assert.deepEqual(flowSteps('add', { provider: 'other' }, new Set(['provider', 'endpoint'] as const)), ['name', 'auth', 'username', 'secret', 'connection', 'test']);
  });

  void it('asks only the login and the test when re-entering credentials', () => {
    assert.deepEqual(flowSteps('credentials', { provider: 'other', authType: 'password' }), ['username', 'secret', 'test']);
    assert.deepEqual(flowSteps('credentials', { provider: 'gcr', authType: 'serviceaccount' }), ['secret', 'test']);
    assert.deepEqual(flowSteps('credentials', { provider: 'gar', authType: 'token' }), ['secret', 'test']);
  });
});
