import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findChallenge, parseWwwAuthenticate } from '../../server/src/registry/challenge';

void test('a Docker distribution Bearer challenge', () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
  ]);
});

void test('several challenges on one line, with the RFC 7235 example', () => {
  const parsed = parseWwwAuthenticate('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"');
  assert.deepEqual(parsed, [
    { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    { scheme: 'basic', params: { realm: 'simple' } },
  ]);
});

void test('every header value is read, in order', () => {
  const parsed = parseWwwAuthenticate(['Basic realm="Registry Realm"', 'Bearer realm="https://r.example/token",service="r.example"']);
  assert.deepEqual(parsed.map((c) => c.scheme), ['basic', 'bearer']);
  assert.equal(findChallenge(parsed, 'BEARER')?.params['service'], 'r.example');
  assert.equal(findChallenge(parsed, 'negotiate'), undefined);
});

void test('scheme and parameter names are case-insensitive; values keep their case', () => {
  const [c] = parseWwwAuthenticate('BEARER Realm="https://R.example/Token", SERVICE=Reg');
  assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'https://R.example/Token', service: 'Reg' } });
});

void test('quoted values may contain commas, equals signs and escapes', () => {
  const [c] = parseWwwAuthenticate('Bearer realm="https://a.example/token?x=1,y=2",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope",detail="a \\\\ b \\" c"');
  assert.ok(c);
  assert.equal(c.params['realm'], 'https://a.example/token?x=1,y=2');
  assert.equal(c.params['scope'], 'repository:a/b:pull,push repository:c:pull');
  assert.equal(c.params['error'], 'insufficient_scope');
  assert.equal(c.params['detail'], 'a \\ b " c');
});

void test('whitespace around "=" and between items is tolerated', () => {
  const [c] = parseWwwAuthenticate('Bearer   realm = "x" ,  service= y ,,scope ="z"');
  assert.deepEqual(c?.params, { realm: 'x', service: 'y', scope: 'z' });
});

void test('token68 forms', () => {
  assert.deepEqual(parseWwwAuthenticate('Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXe=='), [{ scheme: 'negotiate', params: {}, token68: 'YIIBhwYGKwYBBQUCoIIBezCCAXe==' }]);
  assert.deepEqual(parseWwwAuthenticate('Negotiate abc/+.~_-, Basic realm="r"'), [
    { scheme: 'negotiate', params: {}, token68: 'abc/+.~_-' },
    { scheme: 'basic', params: { realm: 'r' } },
  ]);
});

void test('a scheme with no parameters, and schemes separated only by commas', () => {
  assert.deepEqual(parseWwwAuthenticate('Basic'), [{ scheme: 'basic', params: {} }]);
  assert.deepEqual(parseWwwAuthenticate('Basic, Bearer realm="t"').map((c) => c.scheme), ['basic', 'bearer']);
});

void test('unquoted URL values (non-conforming registries) are still read', () => {
  const [c] = parseWwwAuthenticate('Bearer realm=https://quay.io/v2/auth,service=quay.io');
  assert.deepEqual(c?.params, { realm: 'https://quay.io/v2/auth', service: 'quay.io' });
});

void test('malformed input never throws and keeps what can be read', () => {
  assert.deepEqual(parseWwwAuthenticate(''), []);
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.deepEqual(parseWwwAuthenticate([]), []);
  const parsed = parseWwwAuthenticate('Bearer realm="unterminated');
  assert.deepEqual(parsed, [{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  const withJunk = parseWwwAuthenticate('@@@, Basic realm="ok"');
  assert.deepEqual(withJunk, [{ scheme: 'basic', params: { realm: 'ok' } }]);
});

void test('a repeated parameter keeps its first value', () => {
  const [c] = parseWwwAuthenticate('Bearer realm="first", realm="second"');
  assert.equal(c?.params['realm'], 'first');
});
