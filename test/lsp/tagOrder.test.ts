/** Tag order for quick fixes and completion: versions newest first, then other tags, `latest` and signatures last. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sortTagsNewestFirst } from '../../server/src/lsp/tagOrder';

const signature = `sha256-${'a'.repeat(64)}.sig`;

void it('sorts versions newest first (releases before their pre-releases), then other tags, then latest and signatures', () => {
  assert.deepEqual(sortTagsNewestFirst(['1.2.0', 'v1.10.0', '1.9.3', signature, '1.10.0-rc.1', '2.0', 'latest', 'main', '1.2.0']), [
    '2.0',
    'v1.10.0',
    '1.10.0-rc.1',
    '1.9.3',
    '1.2.0',
    'main',
    'latest',
    signature,
  ]);
});

void it('keeps the input untouched and copes with no tags', () => {
  const input = ['b', 'a'];
  assert.deepEqual(sortTagsNewestFirst(input), ['a', 'b']);
  assert.deepEqual(input, ['b', 'a']);
  assert.deepEqual(sortTagsNewestFirst([]), []);
});
