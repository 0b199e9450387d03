import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureSentence, hintBeyondMessage } from '../../client/src/text/failureText';

const tagMessage = 'The repository acme/api exists on 127.0.0.1:5000, but it has no tag 9.9.9.';
const tagHint = 'The repository exists but has no 9.9.9: check the tag or digest (tags are case-sensitive), or push it.';

void test('a tag-not-found failure says the missing tag once, then what to do', () => {
  const sentence = failureSentence(tagMessage, tagHint);
  assert.equal(sentence, `${tagMessage} Check the tag or digest (tags are case-sensitive), or push it.`);
  assert.equal(sentence.match(/has no/g)?.length, 1);
});

void test('a hint whose lead adds information is kept whole', () => {
  const hint = 'The login works but has no pull access to acme/api: grant it read access on the registry.';
  assert.equal(hintBeyondMessage('Access to acme/api was denied (HTTP 403).', hint), hint);
});

void test('a hint without a lead clause is kept, and a missing hint leaves the message alone', () => {
  const hint = 'Check the username and password or token for ghcr.io, then enter them again.';
  assert.equal(failureSentence('ghcr.io refused the login (HTTP 401).', hint), `ghcr.io refused the login (HTTP 401). ${hint}`);
  assert.equal(failureSentence('Something failed', undefined), 'Something failed');
  assert.equal(failureSentence('Something failed', 'Retry later.'), 'Something failed. Retry later.');
});
