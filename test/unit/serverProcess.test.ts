/**
 * How the language server's process is tuned (server/src/protocol/serverProcess.ts): Node options every
 * Node knows on the command line; V8's tier-up budget only where V8 has it, since elsewhere the option
 * stops Node before the server starts ("bad option") and setFlagsFromString prints "unrecognized flag".
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { SERVER_NODE_FLAGS, tierUpFlag } from '../../server/src/protocol/serverProcess';

void describe('server process flags', () => {
  void it('set the tier-up budget for the V8 of Node 20 (11.x) only', () => {
    assert.equal(tierUpFlag('11.3.244.8-node.38'), '--interrupt-budget=280000');
    assert.equal(tierUpFlag('10.2.154.26-node.26'), '--interrupt-budget=280000');
    assert.equal(tierUpFlag('12.4.254.21-node.57'), undefined);
    assert.equal(tierUpFlag('13.6.233.17-node.63'), undefined);
    assert.equal(tierUpFlag('not a version'), undefined);
  });

  void it("are options this Node accepts, and the tier-up flag is one this V8 knows", () => {
    const flag = tierUpFlag();
    const ran = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag ?? '--max-semi-space-size=1')}); process.stdout.write('ok')`], { encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stderr, '');
    assert.equal(ran.stdout, 'ok');
    assert.ok(!SERVER_NODE_FLAGS.some((option) => option.startsWith('--interrupt-budget')), 'a V8-version-specific flag on the command line stops other Node versions');
  });
});
