// The extension host's side of the config worker: one long-lived worker thread, one analysis
// at a time. A job cancelled while queued never runs; one cancelled while running is ignored
// when it returns (the worker cannot be interrupted mid-parse). A crashed or runaway worker is
// replaced, and `onRestart` tells the owner that the worker's retained analyses are gone.
// No vscode import: tested in plain Node.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SettingFacts } from '../../core/config/settingFacts';
import type { AnalysisData, AnalysisRequest } from './analysisJob';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

export interface WorkerClientOptions {
  /** The bundled worker sits next to the extension's bundle (and next to this file under tsc). */
  workerPath?: string;
  /** An analysis running longer than this is taken as runaway: the worker is replaced. */
  jobTimeoutMs?: number;
  onRestart?: (reason: string) => void;
}

interface QueuedJob {
  request: AnalysisRequest;
  signal: AbortSignal;
  resolve: (data: AnalysisData | undefined) => void;
  reject: (err: Error) => void;
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };
/** A request without its id (distributes over the union's members). */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export class ConfigWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: QueuedJob[] = [];
  private active: QueuedJob | undefined;
  private disposed = false;
  /** Workers started so far (1 for a healthy life). */
  starts = 0;

  constructor(private readonly options: WorkerClientOptions = {}) {}

  /** Resolves with the analysis, or undefined when the signal aborted first. */
  analyze(request: AnalysisRequest, signal: AbortSignal): Promise<AnalysisData | undefined> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve(undefined);
      const job: QueuedJob = { request, signal, resolve, reject };
      signal.addEventListener('abort', () => {
        const at = this.queue.indexOf(job);
        if (at < 0) return;
        this.queue.splice(at, 1);
        resolve(undefined);
      }, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  async hover(root: string, file: string, line: number, name: string): Promise<SettingFacts | undefined> {
    const reply = await this.send({ kind: 'hover', root, file, line, name });
    return reply.kind === 'hover' ? reply.facts : undefined;
  }

  /** Drops a root's retained analyses (its file left the workspace). */
  forget(root: string): void {
    if (this.worker) this.send({ kind: 'forget', root }).catch(() => undefined);
  }

  /** Jobs waiting or running. */
  get busy(): number {
    return this.queue.length + (this.active ? 1 : 0);
  }

  private pump(): void {
    if (this.active || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    const timeoutMs = this.options.jobTimeoutMs ?? 120_000;
    const timer = setTimeout(() => this.restart(`an analysis of ${job.request.root} ran past ${timeoutMs} ms`), timeoutMs);
    this.send({ kind: 'analyze', request: job.request })
      .then((reply) => job.resolve(job.signal.aborted || reply.kind !== 'analyzed' ? undefined : reply.data), job.reject)
      .finally(() => {
        clearTimeout(timer);
        this.active = undefined;
        this.pump();
      });
  }

  private send(body: RequestBody): Promise<WorkerReply> {
    if (this.disposed) return Promise.reject(new Error('the config worker is disposed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath ?? join(__dirname, 'configWorker.js'));
    this.starts++;
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.kind === 'failed') waiting.reject(new Error(reply.message));
      else waiting.resolve(reply);
    });
    worker.on('error', (err) => this.lost(worker, `the config worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `the config worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private restart(reason: string): void {
    const worker = this.worker;
    if (!worker) return;
    this.lost(worker, reason);
    void worker.terminate();
  }

  /** Fails everything the lost worker owed; the next request starts a fresh one. */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
    this.pending.clear();
    if (!this.disposed) this.options.onRestart?.(reason);
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.resolve(undefined);
    const worker = this.worker;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(new Error('the config worker is disposed'));
    this.pending.clear();
    void worker?.terminate();
  }
}
