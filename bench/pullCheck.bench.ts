/**
 * Pull-check benchmark against a real token-auth `docker-registry` on 127.0.0.1 (test/harness):
 * HTTP requests and wall time of a cold and a warm check, then 200 distinct references checked in one run
 * through one RegistryClient, beside the same 200 done with sequential `skopeo inspect --raw`.
 * Also a missing tag with a warm token: the HEAD's 404 has no body, so one `tags/list` tells a missing tag
 * from a missing repository (2 requests; the README says so).
 * Targets (issue 2 §8): cold 3 requests, warm 1, missing tag 2, the 200 at least 10× faster than skopeo.
 * Exits 1 when a target is missed or a check is not ok.
 */
import { randomBytes } from 'node:crypto';
import { RegistryClient } from '../server/src/registry/registryClient';
import type { PullCheckResult } from '../server/src/registry/types';
import { assertToolsInstalled, pushImage, skopeoInspectRaw, startTokenRegistry, tagImage } from '../test/harness';

const REPOSITORIES = 20;
const TAGS_PER_REPOSITORY = 10;

function millis(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

async function main(): Promise<void> {
  assertToolsInstalled();
  const password = randomBytes(12).toString('hex');
  const registry = await startTokenRegistry({ users: { bench: { password, pull: ['bench/*'] } } });
  const credentials = { username: 'bench', secret: password };
  const conn = { provider: 'other' as const, endpoint: registry.host, plainHttp: true };
  const misses: string[] = [];
  try {
    // Seed: one skopeo push per repository, then the other tags by re-putting the manifest (fast).
    const seedStart = process.hrtime.bigint();
    const references: Array<{ repository: string; reference: string }> = [];
    for (let r = 0; r < REPOSITORIES; r += 1) {
      const repository = `bench/app-${String(r).padStart(2, '0')}`;
      const admin = { username: registry.admin.username, password: registry.admin.password };
      await pushImage(registry, { repository, tag: 't0', format: 'oci', ...admin });
      const tags = Array.from({ length: TAGS_PER_REPOSITORY - 1 }, (_, t) => `t${t + 1}`);
      await tagImage(registry, { repository, fromReference: 't0', tags, ...admin });
      for (const tag of ['t0', ...tags]) references.push({ repository, reference: tag });
    }
    console.log(`seeded ${references.length} references in ${REPOSITORIES} repositories (${millis(seedStart).toFixed(0)} ms)`);

    const notOk = (results: PullCheckResult[]): PullCheckResult[] => results.filter((result) => result.verdict !== 'ok');

    // Cold and warm: one client, the same reference twice.
    const single = new RegistryClient({});
    const first = references[0] ?? { repository: 'bench/app-00', reference: 't0' };
    let start = process.hrtime.bigint();
    const cold = await single.checkPull(conn, credentials, first);
    const coldMs = millis(start);
    start = process.hrtime.bigint();
    // noCache: the HTTP path with a cached token, not the client's result cache (which makes no request at all).
    const warm = await single.checkPull(conn, credentials, first, { noCache: true });
    const warmMs = millis(start);
    start = process.hrtime.bigint();
    const missing = await single.checkPull(conn, credentials, { repository: first.repository, reference: 'no-such-tag' }, { noCache: true });
    const missingMs = millis(start);
    await single.close();
    for (const bad of notOk([cold, warm])) misses.push(`check not ok: ${JSON.stringify(bad)}`);
    if (missing.verdict !== 'tag-not-found') misses.push(`missing tag verdict ${missing.verdict} (expected tag-not-found)`);

    // 200 distinct references in one run through one fresh client.
    const batchClient = new RegistryClient({});
    const tokensBefore = registry.tokenServer.requests;
    start = process.hrtime.bigint();
    const batch = await Promise.all(references.map((ref) => batchClient.checkPull(conn, credentials, ref)));
    const batchMs = millis(start);
    const batchRequests = batchClient.requestCount;
    const batchTokens = registry.tokenServer.requests - tokensBefore;
    await batchClient.close();
    for (const bad of notOk(batch).slice(0, 3)) misses.push(`batch check not ok: ${JSON.stringify(bad)}`);

    // The same 200 with sequential skopeo inspect --raw (credentials through an auth file).
    start = process.hrtime.bigint();
    for (const ref of references) await skopeoInspectRaw(registry, `${ref.repository}:${ref.reference}`, credentials.username, credentials.secret);
    const skopeoMs = millis(start);
    const speedUp = skopeoMs / batchMs;

    console.log('');
    console.log('pull check                               requests   wall ms');
    console.log(`cold check (ping, token, HEAD)           ${String(cold.requests).padStart(8)}  ${coldMs.toFixed(1).padStart(8)}`);
    console.log(`warm check (cached token)                ${String(warm.requests).padStart(8)}  ${warmMs.toFixed(1).padStart(8)}`);
    console.log(`missing tag, warm (HEAD, tags/list)      ${String(missing.requests).padStart(8)}  ${missingMs.toFixed(1).padStart(8)}`);
    console.log(`${references.length} references, one RegistryClient       ${String(batchRequests).padStart(8)}  ${batchMs.toFixed(1).padStart(8)}   (${batchTokens} token requests)`);
    console.log(`${references.length} references, sequential skopeo inspect     n/a  ${skopeoMs.toFixed(1).padStart(8)}`);
    console.log(`speed-up over skopeo: ${speedUp.toFixed(1)}x`);

    if (cold.requests !== 3) misses.push(`cold check made ${cold.requests} requests (target 3)`);
    if (warm.requests !== 1) misses.push(`warm check made ${warm.requests} requests (target 1)`);
    if (missing.requests !== 2) misses.push(`a missing tag made ${missing.requests} requests with a warm token (target 2)`);
    if (speedUp < 10) misses.push(`200 checks were ${speedUp.toFixed(1)}x faster than skopeo (target ≥ 10x)`);
  } finally {
    await registry.stop();
  }
  if (misses.length > 0) {
    console.log(`\nMISSED:\n  ${misses.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('\nall targets met: cold 3 requests, warm 1, missing tag 2, ≥ 10x faster than skopeo');
  }
}

main().catch((err: unknown) => {
  console.error(`pullCheck bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
