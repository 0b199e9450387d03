import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialsSourceText } from '../../client/src/credentialsOrigin';

void test('credentials found by the server in Docker config are not reported as missing, and say where they come from', () => {
  assert.equal(credentialsSourceText({ hasCredentials: true, credentialsOrigin: 'docker-config' }), 'yes, from Docker config (~/.docker/config.json)');
  assert.equal(credentialsSourceText({ hasCredentials: true, credentialsOrigin: 'environment' }), 'yes, from environment variables');
  assert.equal(credentialsSourceText({ hasCredentials: true, credentialsOrigin: 'secret-storage' }), 'yes, from OS keychain (VS Code SecretStorage)');
});

void test('unknown origin says only yes; no credentials says none', () => {
  assert.equal(credentialsSourceText({ hasCredentials: true }), 'yes');
  assert.equal(credentialsSourceText({ hasCredentials: false, credentialsOrigin: 'docker-config' }), '**none**');
});
