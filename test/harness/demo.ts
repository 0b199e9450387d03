/**
 * The demo registry `npm start` runs (scripts/start.mjs spawns this with `node --import tsx`): an htpasswd
 * registry over TLS (self-signed CA) with user `demo`, holding `demo/hello:1.0`.
 * Input: the demo password in the environment variable DEMO_REGISTRY_PASSWORD (never in argv).
 * Output: one JSON line on stdout once ready: {host, url, caFile, image, digest, mediaType}.
 * It keeps the registry running until its stdin closes (the parent ended it or died), then stops it.
 */
import { pushImage, startHtpasswdRegistry } from './index';

async function main(): Promise<void> {
  const password = process.env.DEMO_REGISTRY_PASSWORD;
  if (!password) {
    process.stderr.write('demo registry: set DEMO_REGISTRY_PASSWORD (the password for user "demo"); scripts/start.mjs does this for you — run `npm start`.\n');
    process.exitCode = 2;
    return;
  }
  const registry = await startHtpasswdRegistry({ tls: true, users: { demo: password } });
  try {
    const image = await pushImage(registry, { repository: 'demo/hello', tag: '1.0', format: 'oci', username: 'demo', password });
    process.stdout.write(`${JSON.stringify({ host: registry.host, url: registry.url, caFile: registry.caFile, image: 'demo/hello:1.0', ...image })}\n`);
    await new Promise<void>((resolve) => {
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
      process.stdin.resume();
    });
  } finally {
    await registry.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo registry could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
