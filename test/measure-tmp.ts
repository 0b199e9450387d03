import { parseDocumentFully } from '../server/src/manifests/fullParse';
import { findImages } from '../server/src/manifests/findImages';
const sizes = [1, 4];
for (const mb of sizes) {
  // one document, anchors force the full parse
  let s = 'base: &b {x: 1}\nitems:\n';
  while (s.length < mb * 1024 * 1024) s += '  - {name: a, image: "nginx:1.0", other: *b}\n';
  const t0 = Date.now(); const m0 = process.memoryUsage().rss;
  const r = parseDocumentFully(s, 0, s.length);
  console.log(`${mb} MiB full parse: ${Date.now() - t0} ms, rss +${Math.round((process.memoryUsage().rss - m0) / 1e6)} MB, root ${r.root?.type}`);
}
let deep = 'kind: Pod\nspec:\n'; for (let i = 1; i < 5600; i++) deep += ' '.repeat(i) + 'k' + i + ':\n';
try { const t0 = Date.now(); findImages(deep, 'deep.yaml'); console.log('deep block ok', Date.now() - t0, 'ms', deep.length); } catch (e) { console.log('deep block threw', (e as Error).message); }
