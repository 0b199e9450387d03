import { EditTracker } from '../../server/src/lsp/editTracker';
import { LocalAnalysisCache } from '../../server/src/lsp/fileAnalysis';
import type { AnalysisEnvironment } from '../../server/src/analysis/types';
function deployment(i: number): string { return `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: s-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/service-${i}:2.${i % 13}.0\n          env:\n            - name: A\n              value: b\n`; }
const text = Array.from({ length: 5000 }, (_, i) => deployment(i)).join('');
const env: AnalysisEnvironment = { config: { registries: [{ slug: 'g', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token' }], customDomains: { proxy: [], registry: [] }, public: [] }, offline: true, credentialsFor: () => Promise.resolve(undefined) };
async function main() {
  const tracker = new EditTracker();
  let doc = tracker.configuration.create('file:///x.yaml', 'yaml', 1, text);
  const cache = new LocalAnalysisCache();
  await cache.analyze('k', doc.getText(), '/x.yaml', env, 'g');
  const u: number[] = [], a: number[] = [];
  for (let i = 0; i < 200; i++) {
    const line = 10 + 14 * (i * 311 % 5000);
    let t = performance.now();
    doc = tracker.configuration.update(doc, [{ range: { start: { line, character: 10 }, end: { line, character: 11 } }, text: 'i' }], i + 2);
    const t1 = performance.now();
    await cache.analyze('k', doc.getText(), '/x.yaml', env, 'g', tracker.take('file:///x.yaml'));
    u.push(t1 - t); a.push(performance.now() - t1);
  }
  const q = (x: number[], p: number) => [...x].sort((m, n) => m - n)[Math.floor(p * x.length)]!.toFixed(1);
  console.log('update p50', q(u, 0.5), 'p95', q(u, 0.95), 'analyze p50', q(a, 0.5), 'p95', q(a, 0.95));
  const TT = (globalThis as any).TT as number[][]; for (const k of [0,1,2]) console.log("section", k, q(TT.map(x => x[k]!), 0.5), q(TT.map(x => x[k]!), 0.95));
  (globalThis as any).gc?.(); console.log('after gc', process.memoryUsage().heapUsed / 1e6);
}
void main();
