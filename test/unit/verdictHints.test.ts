import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictForTransportError } from '../../server/src/registry/errors';
import { genericHint } from '../../server/src/registry/hints';
import { TransportError } from '../../server/src/registry/transport';

// A hint must name something the user can do: no CLI flag, setting or variable raises the request timeouts,
// so the timeout hint must not tell the user to "raise the timeout".
void describe('timeout hints are actionable', () => {
  void it('a transport timeout says what to check and to run the check again', () => {
    const details = verdictForTransportError(new TransportError('timeout', 'timed out waiting for the answer'), '127.0.0.1:5000', { overallMs: 30_000 });
    assert.equal(details.verdict, 'timeout');
    assert.doesNotMatch(details.hint ?? '', /raise the timeout/i);
    assert.match(details.hint ?? '', /reachable/);
    assert.match(details.hint ?? '', /run the check again/);
  });

  void it('the generic timeout hint does the same', () => {
    const hint = genericHint('timeout', { anonymous: false, host: 'registry.example', repository: 'acme/api', reference: '1.0' }) ?? '';
    assert.doesNotMatch(hint, /raise the timeout/i);
    assert.match(hint, /run the check again/);
  });
});

void describe('tag-not-found hint names what is missing', () => {
  void it('says "tag 2" for a tag and "digest sha256:..." for a digest', () => {
    const base = { anonymous: false, host: 'registry.example', repository: 'acme/api' };
    assert.match(genericHint('tag-not-found', { ...base, reference: '2' }) ?? '', /has no tag 2:/);
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.match(genericHint('tag-not-found', { ...base, reference: digest }) ?? '', new RegExp(`has no digest ${digest}:`));
  });
});
