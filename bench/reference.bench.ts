/**
 * Reference parsing throughput: parses a deterministic mix of at least 100k references (valid and
 * invalid; Docker Hub short names, registries with ports, IPv6 hosts, tags, digests, proxy prefixes)
 * and prints references per second. Also times long pathological inputs, which would make a
 * backtracking regular expression explode.
 * Run: node --import tsx bench/reference.bench.ts [count]
 */
import { parseImageReference } from '../server/src/reference/parse';

const count = Math.max(100_000, Number(process.argv[2] ?? 200_000) || 0);

/** Deterministic pseudo-random numbers, so every run parses the same references. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = prng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (length: number): string => {
  let text = '';
  for (let i = 0; i < length; i++) text += '0123456789abcdef'[Math.floor(random() * 16)];
  return text;
};

const hosts = ['', '', '', 'docker.io/', 'index.docker.io/', 'ghcr.io/', 'quay.io/', 'localhost:5000/', '127.0.0.1:5000/', '[::1]:5000/', '[2001:db8::1]/',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com/', 'us-docker.pkg.dev/', 'proxy.replicated.com/proxy/my-app/', 'registry.replicated.com/my-app/', 'Registry.Example.com:8443/'];
const components = ['nginx', 'library', 'acme', 'api-server', 'web_ui', 'team.platform', 'a', 'x1', 'my--app', 'redis', 'postgres'];
const tags = ['latest', '1.27', 'v2.3.4-rc.1', 'sha-abc1234', 'V1', 'stable_2024'];
// Mistakes seen in real manifests: each turns a valid reference into an invalid one.
const mistakes: Array<(ref: string) => string> = [
  (ref) => ref.replace(/[a-z]/, (c) => c.toUpperCase()),
  (ref) => `${ref}:`,
  (ref) => ` ${ref}`,
  (ref) => ref.replace('/', '//'),
  (ref) => `${ref}@sha256:${hex(63)}`,
  (ref) => `${ref}@md5:${hex(32)}`,
  (ref) => `${ref}:-bad`,
  (ref) => `https://${ref}`,
  () => `[fe80::1%eth0]:5000/${pick(components)}`,
  () => hex(64),
];

function generate(): string {
  let ref = pick(hosts);
  const depth = 1 + Math.floor(random() * 3);
  for (let i = 0; i < depth; i++) ref += (i ? '/' : '') + pick(components);
  const suffix = random();
  if (suffix < 0.55) ref += `:${pick(tags)}`;
  else if (suffix < 0.75) ref += `@sha256:${hex(64)}`;
  else if (suffix < 0.82) ref += `:${pick(tags)}@sha512:${hex(128)}`;
  if (random() < 0.2) ref = pick(mistakes)(ref);
  return ref;
}

const references = Array.from({ length: count }, generate);
const characters = references.reduce((sum, ref) => sum + ref.length, 0);

// Warm up the JIT on a slice, then measure the whole set.
for (let i = 0; i < 20_000; i++) parseImageReference(references[i % references.length] ?? '');
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();

let valid = 0;
const cpuStarted = process.cpuUsage();
const started = performance.now();
for (const ref of references) if (parseImageReference(ref).ok) valid++;
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
// On a shared machine wall time also counts waiting for a core; CPU time is the parser's own cost.
const cpuMs = (cpu.user + cpu.system) / 1000;

const perSecond = Math.round((references.length / elapsedMs) * 1000);
console.log(`reference parsing: ${references.length.toLocaleString('en-US')} references (${valid.toLocaleString('en-US')} valid, ${(references.length - valid).toLocaleString('en-US')} invalid; ${(characters / references.length).toFixed(1)} chars on average)`);
console.log(`  total ${elapsedMs.toFixed(1)} ms wall, ${perSecond.toLocaleString('en-US')} references/second, ${((elapsedMs * 1e6) / references.length).toFixed(0)} ns/reference`);
console.log(`  CPU ${cpuMs.toFixed(1)} ms, ${Math.round((references.length / cpuMs) * 1000).toLocaleString('en-US')} references/CPU-second`);

// Inputs that make nested-quantifier regular expressions backtrack exponentially or quadratically.
const pathological = ['a-'.repeat(100_000), `${'a.'.repeat(100_000)}/x`, `[${':'.repeat(200_000)}`, `a@${'a-'.repeat(100_000)}`, `${'a__'.repeat(60_000)}_`, '/'.repeat(200_000)];
const pathologicalStarted = performance.now();
for (const input of pathological) parseImageReference(input);
const pathologicalMs = performance.now() - pathologicalStarted;
const pathologicalChars = pathological.reduce((sum, input) => sum + input.length, 0);
console.log(`  pathological: ${pathological.length} inputs, ${pathologicalChars.toLocaleString('en-US')} characters in ${pathologicalMs.toFixed(1)} ms (linear scan, no backtracking)`);
