/**
 * The analysis worker: a worker thread that reads the YAML documents too large to read on the server's
 * thread (fileAnalysis.ts sends it those over WORKER_DOCUMENT_CHARS). A document that needs the exact
 * parser can take seconds (the fast scanner cannot decide one anchor, and `yaml` needs 0.7–3 s per MB);
 * here it costs the editor nothing, and a document that will not finish can be stopped: the worker runs
 * under a heap limit (INPUT_LIMITS.analysisWorkerMemoryMb) and a watchdog set to what is left of the
 * file's time budget. Past either, the worker is terminated (a new one starts on the next need) and the
 * document is reported over budget.
 *
 * The worker is the server's own bundle started again in a thread (the entry checks
 * `isAnalysisWorker()`), so there is still one bundle per side. Started on first need; one document at a
 * time, in order of arrival.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { INPUT_LIMITS } from '../limits/inputLimits';
import type { Logger } from '../log/logger';
import { setEngineLogger } from './engine';
import { analyzeDocumentText, ruleEnvironment, type DocumentEnvironment, type DocumentResult } from './fileAnalysis';

const ROLE = 'replicated-registries-analysis-worker';

interface Job {
  id: number;
  text: string;
  filePath: string;
  env: DocumentEnvironment;
}

type Reply = { id: number; result: DocumentResult; elapsedMs: number } | { log: string };

/** A document read, or why it was not. */
export type WorkerOutcome = { result: DocumentResult; elapsedMs: number } | { overBudget: 'time' | 'memory' };

/** Whether this thread is the analysis worker (the bundle entries start it instead of the server). */
export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

/** The worker thread's side: reads each document it is sent and answers with its results. */
export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  // Engine failures are logged by the server, like those on its own thread.
  const log = (message: string): void => port.postMessage({ log: message } satisfies Reply);
  setEngineLogger({ error: log, warn: log, info: () => undefined, debug: () => undefined });
  port.on('message', (job: Job) => {
    const started = performance.now();
    const result = analyzeDocumentText(job.text, job.filePath, ruleEnvironment(job.env));
    port.postMessage({ id: job.id, result, elapsedMs: performance.now() - started } satisfies Reply);
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

  /** `script`: the bundle this server runs from (the worker runs it too). */
  constructor(
    private readonly script: string,
    private readonly logger: Logger,
    private readonly memoryMb: number = INPUT_LIMITS.analysisWorkerMemoryMb,
  ) {}

  /** Only a bundle can be started as the worker (not TypeScript sources run by a test runner). */
  static canRun(script: string): boolean {
    return script.endsWith('.js');
  }

  /** Reads one document within `budgetMs` of its own time. */
  read(job: Omit<Job, 'id'>, budgetMs: number): Promise<WorkerOutcome> {
    return new Promise((resolve) => {
      this.waiting.push({ job: { ...job, id: this.nextId++ }, budgetMs, resolve });
      this.pump();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    for (const pending of this.waiting.splice(0)) pending.resolve({ overBudget: 'time' });
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.waiting.shift();
    if (!next) return;
    const worker = this.ensureWorker();
    // The watchdog: what is left of the file's time budget, plus the worker's own start-up.
    const timer = setTimeout(() => this.fail('time'), next.budgetMs + 2_000);
    this.running = { ...next, timer };
    worker.postMessage(next.job);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, {
      workerData: { role: ROLE },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      // The worker never reads stdin nor writes the protocol's stdout.
      stdin: false,
      stdout: true,
      stderr: true,
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      if ('log' in reply) {
        this.logger.error(reply.log);
        return;
      }
      const running = this.running;
      if (!running || running.job.id !== reply.id) return;
      clearTimeout(running.timer);
      this.running = undefined;
      running.resolve({ result: reply.result, elapsedMs: reply.elapsedMs });
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
      this.logger.warn(`analysis of a ${Math.round(running.job.text.length / 1024)} KiB document in ${running.job.filePath} stopped: over its ${why === 'time' ? 'time' : 'memory'} budget`);
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
