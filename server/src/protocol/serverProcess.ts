/**
 * How the language server's Node process is started: what the extension passes (client/src/server/
 * serverConnection.ts) and what the LSP tests and benchmarks start it with, so they measure the process
 * users run.
 *
 * `--max-semi-space-size=1`: V8's young generation kept at 1 MiB per semi-space (Node 20's default grows it
 * to 16 MiB). On the 2-core VM we measure on, touching a page of fresh memory costs about 18 µs (64 MiB
 * in 300 ms; transparent huge pages only bring it to 200 ms), so a young generation that grows to 2 × 16 MiB during an open
 * and is given back when idle is paid for again and again; a small one stays in memory already touched.
 * Measured on the 4.3 MB benchmark manifest (production bundle, interleaved rounds, min/median): cold open
 * server CPU 890/910 → 760/830 ms, then 60 edits: CPU per edit 7.7/9.3 → 5.0/6.5 ms, edit p50
 * 11.6/12.5 → 8.5/11.4 ms, peak RSS 152/153 → 107/109 MB. Objects that live longer than two scavenges
 * are promoted sooner; the analysis keeps little per document, so that costs less than it saves.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
