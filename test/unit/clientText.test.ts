/**
 * The extension's words (client/src/text/): where credentials come from or why there are none, times in
 * the user's locale and tag ages, and a test's whole verdict with the wizard's advice.
 * Run: node --import tsx --test test/unit/clientText.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsText } from '../../client/src/text/credentialsText';
import { formatAge, formatTime } from '../../client/src/text/timeText';
import { isImageVerdict, verdictText } from '../../client/src/text/verdictText';
import type { RegistryTestResult } from '../../server/src/protocol/registryRequests';

void describe('credentialsText', () => {
  void it('says where found credentials come from, and why there are none to use', () => {
    assert.equal(credentialsText({ state: 'found', origin: 'docker-config' }), 'from Docker config (~/.docker/config.json)');
    assert.equal(credentialsText({ state: 'none' }), 'none on this machine');
    assert.equal(credentialsText({ state: 'withheld', reason: 'they were given for ghcr.io' }), 'not used: they were given for ghcr.io');
    assert.equal(credentialsText({ state: 'not-asked', reason: 'Restricted Mode: credentials are not read' }), 'Restricted Mode: credentials are not read');
  });
});

void describe('times in the user locale', () => {
  void it('formats a time and an age in the given locale', () => {
    // Noon UTC: the same date in every time zone the tests may run in.
    const iso = '2026-03-05T12:00:00Z';
    assert.match(formatTime(iso, 'en-US'), /Mar 5, 2026/);
    assert.match(formatTime(iso, 'de'), /05\.03\.2026/);
    const now = Date.parse('2026-03-08T12:00:00Z');
    assert.equal(formatAge(iso, 'en', now), '3 days ago');
    assert.equal(formatAge(iso, 'fr', now), 'il y a 3 jours');
    assert.equal(formatTime('not a time', 'en'), 'not a time');
  });
});

void describe('verdictText', () => {
  const base = { image: 'r.example/acme/app:9', requests: 3, durationMs: 5 };
  void it('a missing tag is the image\'s verdict: the registry answered and took the login', () => {
    const result: RegistryTestResult = { ...base, verdict: 'tag-not-found', message: 'The repository acme/app exists on r.example, but it has no tag 9.', health: { state: 'ok', anonymous: false, verdict: 'tag-not-found', message: 'r.example answers and accepts the login.', image: base.image, checkedAt: 'x', by: 'test' }, advice: { change: 'image', text: 'Choose "Test another image".' } };
    assert.equal(isImageVerdict(result), true);
    assert.equal(verdictText(result), 'The repository acme/app exists on r.example, but it has no tag 9. Choose "Test another image".');
  });
  void it('a connection problem says the whole message and the wizard\'s advice, not file keys', () => {
    const result: RegistryTestResult = { ...base, verdict: 'protocol-error', connectionProblem: 'not-tls', message: 'r.example did not answer with TLS', hint: 'set plainHttp (CLI: --plain-http)', health: { state: 'unreachable', anonymous: true, verdict: 'protocol-error', message: 'x', image: base.image, checkedAt: 'x', by: 'test' }, advice: { change: 'connection', text: 'choose "Change connection options" and check "Use plain HTTP".' } };
    assert.equal(isImageVerdict(result), false);
    const text = verdictText(result);
    assert.match(text, /Change connection options/);
    assert.doesNotMatch(text, /plainHttp|--plain-http/);
  });
});
