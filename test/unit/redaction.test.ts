/** redact(): what every text leaving the process passes through (CLI output, LSP diagnostics and hovers, logs). */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { redactingIO } from '../../server/src/cli/io';
import { redact, registerSecret } from '../../server/src/log/logger';

void describe('redaction', () => {
  void it('masks a registered secret of three characters or more, longest first', () => {
    registerSecret('x9');
    registerSecret('Qz7');
    registerSecret('Qz7-longer-secret');
    assert.equal(redact('unauthorized: password Qz7 is wrong'), 'unauthorized: password **** is wrong');
    assert.equal(redact('token Qz7-longer-secret'), 'token ****');
    assert.equal(redact('x9 stays'), 'x9 stays', 'two characters would blank ordinary text');
  });

  void it('masks URL userinfo of any scheme, with or without a password', () => {
    assert.equal(redact('endpoint https://ci:S3cret@registry.example.com/v2/'), 'endpoint https://****@registry.example.com/v2/');
    assert.equal(redact('oci://tok3n@registry.example.com'), 'oci://****@registry.example.com');
    assert.equal(redact('see https://registry.example.com/v2/ and docker.io/library/nginx@sha256:abc'), 'see https://registry.example.com/v2/ and docker.io/library/nginx@sha256:abc');
  });

  void it('the CLI streams redact everything written to them', () => {
    registerSecret('cli-secret-42');
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const io = redactingIO({ stdout: out, stderr: out, stdin: new PassThrough(), env: {}, cwd: '/' });
    io.stdout.write('the registry said: bad password cli-secret-42\n');
    io.stderr.write('https://u:cli-secret-42@host\n');
    assert.equal(written, 'the registry said: bad password ****\nhttps://****@host\n');
  });
});
