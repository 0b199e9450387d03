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
 *
 * `--interrupt-budget=280000` (V8's default is 67,584; the same value as the CLI's, set in
 * bin/replicated-registries): a function is handed to the optimizing compiler after about 4x as much
 * bytecode has run in it. A cold open runs hundreds of engine functions briefly once; by default many are
 * optimized while they run, competing for the second core, and some are thrown away again (deoptimized).
 * Measured on the same manifest (production bundle, 5 interleaved rounds, min/median, with the flag above):
 * open 500/550 → 471/522 ms wall, server CPU 700/770 → 600/640 ms; CPU per edit 5.2/6.2 → 5.0/5.3 ms.
 * 140,000 and 560,000 measured between the two; 1,120,000 slower to open.
 */
export const INTERRUPT_BUDGET_FLAG = '--interrupt-budget=280000';
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', INTERRUPT_BUDGET_FLAG];
