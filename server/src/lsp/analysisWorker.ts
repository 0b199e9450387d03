/**
 * The analysis workers: worker threads that read YAML documents off the server's thread
 * (fileAnalysis.ts decides which): every document of a file the workspace scan reads, in batches, in a
 * worker at a lower OS priority (the editor's and the server's own threads go first on a busy machine,
 * and the scan's garbage is collected in the worker's heap, not between keystrokes); and, while typing,
 * any document too large to read quickly (over WORKER_DOCUMENT_CHARS) in a worker at normal priority.
 * A document that needs the exact parser can take seconds (the fast scanner cannot decide one anchor,
 * and `yaml` needs 0.7–3 s per MB); here it costs the editor nothing, and a batch that will not finish
 * can be stopped: a worker runs under a heap limit (INPUT_LIMITS.analysisWorkerMemoryMb) and a watchdog
 * set to what is left of the file's time budget. Past either, the worker is terminated (a new one starts
 * on the next need) and the batch is reported over budget.
 *
 * A worker is the server's own bundle started again in a thread (the entry checks `isAnalysisWorker()`),
 * so there is still one bundle per side. Started on first need; one batch at a time, in order; stopped
 * once it has had nothing to do for DEFAULT_WORKER_IDLE_MS (settings.ts; 30 s). Measured (2-core
 * machine, production bundle): a worker adds about 36 MB to the server's RSS and answers its first
 * batch about 250 ms after it is started (most of it compiling the bundle), so it is kept through a scan
 * and a burst of typing, and given back when those are over.
 *
 * The scan's worker runs at the lowest OS priority (BACKGROUND_NICE): on a busy 2-core machine the
 * editor's and the server's own threads then get the CPU first while someone types.
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { INPUT_LIMITS } from '../limits/inputLimits';
import type { Logger } from '../log/logger';
import { setEngineLogger } from './engine';
import { DEFAULT_WORKER_IDLE_MS } from './settings';
import { analyzeDocumentText, ruleEnvironment, type DocumentEnvironment, type DocumentResult, type WorkerOutcome } from './fileAnalysis';
import type { FileReading } from '../manifests/findImages';
import { fileRoleOf } from '../manifests/shapes';

const ROLE = 'replicated-registries-analysis-worker';
/** The OS priority of the workspace scan's worker thread (Linux: of that thread only; 19 is the lowest). */
export const BACKGROUND_NICE = 19;

/** Documents of one file (each text is one document), read with the file's environment. */
interface Job {
  id: number;
  texts: string[];
  filePath: string;
  env: DocumentEnvironment;
}

type Reply = { id: number; results: DocumentResult[]; elapsedMs: number } | { log: string };


/** Whether this thread is the analysis worker (the bundle entries start it instead of the server). */
export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

/** The worker thread's side: reads each document it is sent and answers with its results. */
export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  const { nice } = workerData as { nice?: number };
  if (nice) {
    try {
      // Linux: the priority of this thread only.
      os.setPriority(nice);
    } catch {
      // Not allowed here: normal priority then.
    }
  }
  // Engine failures are logged by the server, like those on its own thread.
  const log = (message: string): void => port.postMessage({ log: message } satisfies Reply);
  setEngineLogger({ error: log, warn: log, info: () => undefined, debug: () => undefined });
  port.on('message', (job: Job) => {
    const started = performance.now();
    const env = ruleEnvironment(job.env);
    // The documents of one batch share their file's role and parsed image texts (manifests/findImages.ts FileReading).
    const file: FileReading = { role: fileRoleOf(job.filePath), parsed: new Map() };
    const results = job.texts.map((text) => analyzeDocumentText(text, job.filePath, env, file));
    port.postMessage({ id: job.id, results, elapsedMs: performance.now() - started } satisfies Reply);
  });
}

interface Pending {
  job: Job;
  budgetMs: number;
  resolve: (outcome: WorkerOutcome) => void;
}

/** The server's side: one worker, started on first need, restarted after a document over budget. */
export class AnalysisWorkerHost {
  private worker: Worker | undefined;
  private running: (Pending & { timer: NodeJS.Timeout }) | undefined;
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private disposed = false;
  private idleTimer: NodeJS.Timeout | undefined;

  /**
   * `script`: the bundle this server runs from (the worker runs it too); `name`: what the log calls it;
   * `nice`: the worker thread's OS priority (0–19); `idleMs`: how long it is kept with nothing to do.
   */
  constructor(
    private readonly script: string,
    private readonly logger: Logger,
    private readonly options: { name?: string; nice?: number; memoryMb?: number; idleMs?: () => number } = {},
  ) {}

  /** Only a bundle can be started as the worker (not TypeScript sources run by a test runner). */
  static canRun(script: string): boolean {
    return script.endsWith('.js');
  }

  /** Reads a batch of documents within `budgetMs` of their own time. */
  read(job: Omit<Job, 'id'>, budgetMs: number): Promise<WorkerOutcome> {
    return new Promise((resolve) => {
      this.waiting.push({ job: { ...job, id: this.nextId++ }, budgetMs, resolve });
      this.pump();
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.stop();
    for (const pending of this.waiting.splice(0)) pending.resolve({ overBudget: 'time' });
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.waiting.shift();
    if (!next) {
      this.stopWhenIdle();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.ensureWorker();
    // The watchdog: what is left of the file's time budget, plus the worker's own start-up.
    const timer = setTimeout(() => this.fail('time'), next.budgetMs + 2_000);
    this.running = { ...next, timer };
    worker.postMessage(next.job);
  }

  /** Nothing to do: the worker is let go after the idle time (a new one starts on the next need). */
  private stopWhenIdle(): void {
    if (!this.worker || this.idleTimer) return;
    const idleMs = this.options.idleMs?.() ?? DEFAULT_WORKER_IDLE_MS;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.running || this.waiting.length > 0 || !this.worker) return;
      this.logger.info(`${this.name}: stopped after ${idleMs} ms with nothing to do`);
      this.stop();
    }, idleMs);
    this.idleTimer.unref();
  }

  private get name(): string {
    return `analysis worker (${this.options.name ?? 'documents'})`;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    this.logger.info(`${this.name}: started`);
    const worker = new Worker(this.script, {
      workerData: { role: ROLE, nice: this.options.nice ?? 0 },
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb ?? INPUT_LIMITS.analysisWorkerMemoryMb },
      // The worker never reads stdin nor writes the protocol's stdout.
      stdin: false,
      stdout: true,
      stderr: true,
    });
    worker.unref();
    // Nothing a worker prints may reach the protocol's stdout.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (reply: Reply) => {
      if ('log' in reply) {
        this.logger.error(reply.log);
        return;
      }
      const running = this.running;
      if (!running || running.job.id !== reply.id) return;
      clearTimeout(running.timer);
      this.running = undefined;
      running.resolve({ results: reply.results, elapsedMs: reply.elapsedMs });
      this.pump();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.fail('memory');
      else {
        this.logger.error(`analysis worker failed: ${error.message}`);
        this.fail('time');
      }
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.running) this.fail('memory');
    });
    this.worker = worker;
    return worker;
  }

  /** The running document is over budget: stop the worker (a new one serves the next document). */
  private fail(why: 'time' | 'memory'): void {
    const running = this.running;
    this.running = undefined;
    this.stop();
    if (running) {
      clearTimeout(running.timer);
      const kib = Math.round(running.job.texts.reduce((sum, text) => sum + text.length, 0) / 1024);
      this.logger.warn(`analysis of ${running.job.texts.length} document(s) (${kib} KiB) of ${running.job.filePath} stopped: over the ${why} budget`);
      running.resolve({ overBudget: why });
    }
    this.pump();
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate().catch(() => undefined);
  }
}
