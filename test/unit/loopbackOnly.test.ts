// The unit layer's guard (test/harness/loopbackOnly.ts, preloaded by scripts/test.mjs) is in force: a
// connection beyond loopback throws at once, one to 127.0.0.1 goes through.
// Run: node --import tsx --import ./test/harness/loopbackOnly.ts --test test/unit/loopbackOnly.test.ts
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';

void describe('unit layer: loopback only', () => {
  void it('refuses a connection to another host, by name or address, and says which', () => {
    assert.throws(() => net.connect({ host: 'registry.example.com', port: 443 }), /stays on this machine: a connection to registry\.example\.com/);
    assert.throws(() => net.connect(443, '192.0.2.1'), /a connection to 192\.0\.2\.1/);
  });

  void it('lets a connection to 127.0.0.1 through', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
