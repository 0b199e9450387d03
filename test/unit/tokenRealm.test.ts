/** Where a token challenge may send the login (server/src/registry/tokenRealm.ts), as a table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginMayGoToRealm } from '../../server/src/registry/tokenRealm';

const cases: Array<[registry: string, realm: string, allowed: boolean, why: string]> = [
  ['https://registry-1.docker.io', 'https://auth.docker.io/token', true, "Docker Hub's catalog token service"],
  ['https://ghcr.io', 'https://ghcr.io/token', true, 'same host'],
  ['https://registry.example.com:5000', 'https://registry.example.com:5001/auth', true, 'same host, another port'],
  ['https://registry.gitlab.com', 'https://gitlab.com/jwt/auth', true, 'same registrable domain'],
  ['https://registry.acme.co.uk', 'https://auth.acme.co.uk/token', true, 'same registrable domain under a two-label suffix'],
  ['https://registry.acme.co.uk', 'https://evil.co.uk/token', false, 'a public suffix is no shared domain'],
  ['https://victim.github.io', 'https://attacker.github.io/token', false, 'a private public suffix (github.io) is no shared domain'],
  ['https://127.0.0.1:5000', 'https://127.0.0.2:6000/token', false, 'another IP address'],
  ['https://quay.io', 'https://auth.docker.io/token', false, 'the catalog entry is for Docker Hub only'],
  ['https://registry.example.com', 'http://registry.example.com/token', false, 'plain HTTP realm for an HTTPS registry'],
  ['http://127.0.0.1:5000', 'http://127.0.0.1:6000/token', true, 'plain-HTTP registry, realm on its own host'],
  ['http://127.0.0.1:5000', 'http://127.0.0.2:6000/token', false, 'plain-HTTP realm on another host'],
  ['https://registry.example.com', 'ftp://registry.example.com/token', false, 'not HTTP at all'],
];

void describe('token realms', () => {
  for (const [registry, realm, allowed, why] of cases) {
    void it(`${registry} → ${realm}: ${allowed ? 'login sent' : 'refused'} (${why})`, () => {
      const decision = loginMayGoToRealm(new URL(registry), new URL(realm));
      assert.equal(decision.allowed, allowed);
      if (!decision.allowed) {
        assert.match(decision.message, /the login( for \S+)? was not sent/);
        assert.ok(decision.hint.length > 20);
      }
    });
  }
});
