/**
 * Preloaded into the unit and stress layers (scripts/test.mjs): a socket may connect only to this
 * machine's loopback (the scripted servers of test/unit/registryFakeServer.ts) or to a local socket
 * path. Anything else throws at once, naming the host, so a unit test that would reach the network
 * fails instead of passing slowly or flakily. Real registries belong to the LSP, integration and e2e
 * layers (test/harness), and those layers do not load this guard (docs/architecture.md, "Invariants").
 */
import net from 'node:net';

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;

function hostOf(args: unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined;
    return typeof options.host === 'string' ? options.host : 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a socket path
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect: (...args: unknown[]) => net.Socket = Reflect.get(net.Socket.prototype, 'connect') as (...args: unknown[]) => net.Socket;
function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`this test layer stays on this machine: a connection to ${host} was attempted (move the test to the integration layer, or answer it from a scripted server on 127.0.0.1)`);
  }
  return connect.apply(this, args);
}
Reflect.set(net.Socket.prototype, 'connect', guardedConnect);
