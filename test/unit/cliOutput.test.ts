/**
 * cli/io.ts DescriptorOutput: how the CLI writes stdout and stderr on Linux and macOS (fs.writeSync,
 * without creating process.stdout). The descriptor here is a recording stand-in for fs.writeSync; the
 * real descriptors (a closed pipe, a full non-blocking pipe) are in lintStartup.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescriptorOutput } from '../../server/src/cli/io';

/** A descriptor that takes at most `per` bytes per write, then fails with `failWith` once `limit` bytes are in. */
function descriptor(per: number, limit = Infinity, failWith = 'EAGAIN'): { written: number[]; write: (fd: number, bytes: Uint8Array, offset: number, length: number) => number } {
  const written: number[] = [];
  return {
    written,
    write: (fd, bytes, offset, length) => {
      assert.equal(fd, 1);
      if (written.length >= limit) throw Object.assign(new Error(`${failWith}: write`), { code: failWith });
      const taken = Math.min(per, length, limit - written.length);
      written.push(...bytes.subarray(offset, offset + taken));
      return taken;
    },
  };
}

/** A stand-in for process.stdout: what it was given, in order. */
function stream(): { chunks: string[]; open: () => NodeJS.WriteStream } {
  const chunks: string[] = [];
  const fake = { write: (chunk: string | Uint8Array) => chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')) > 0, writableLength: 0 };
  return { chunks, open: () => fake as unknown as NodeJS.WriteStream };
}

void describe('DescriptorOutput', () => {
  void it('writes every byte through short writes, multi-byte characters too', () => {
    const fd = descriptor(3);
    const node = stream();
    const output = new DescriptorOutput(1, fd.write, node.open);
    output.write('é—✓ résumé\n');
    output.write('second\n');
    assert.equal(Buffer.from(fd.written).toString('utf8'), 'é—✓ résumé\nsecond\n');
    assert.deepEqual(node.chunks, []);
    assert.equal(output.pending, false);
  });

  void it("hands the rest to Node's stream at EAGAIN, and every later write after it, in order", () => {
    const fd = descriptor(4, 10);
    const node = stream();
    const output = new DescriptorOutput(1, fd.write, node.open);
    output.write('0123456789abcdef');
    output.write('next');
    assert.equal(Buffer.from(fd.written).toString('utf8'), '0123456789');
    assert.deepEqual(node.chunks, ['abcdef', 'next']);
  });

  void it('stops writing, quietly, once the reader has gone (EPIPE)', () => {
    const fd = descriptor(100, 5, 'EPIPE');
    const node = stream();
    const output = new DescriptorOutput(1, fd.write, node.open);
    output.write('0123456789');
    output.write('more');
    assert.equal(Buffer.from(fd.written).toString('utf8'), '01234');
    assert.deepEqual(node.chunks, []);
  });

  void it('throws any other error', () => {
    const output = new DescriptorOutput(1, descriptor(100, 0, 'EIO').write, stream().open);
    assert.throws(() => output.write('x'), /EIO/);
  });
});
