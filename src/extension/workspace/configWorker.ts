// The config worker thread (bundled as dist/configWorker.js): runs the config core off the
// extension host's thread, so a multi-megabyte config never stalls the editor. Keeps each
// root's latest parsed analyses for the hover, which needs their functions.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { ConfigAnalysis } from '../../core/config';
import { settingFacts } from '../../core/config/settingFacts';
import { runAnalysis } from './analysisJob';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

const retained = new Map<string, ConfigAnalysis[]>();

// On Linux a nice value is per thread: this lowers the worker's priority only, so that on a busy
// machine the extension host's own thread (and the editor) win the CPU over a background parse.
try {
  setPriority(0, 10);
} catch {
  // not permitted or not supported: the analysis still runs off the host's thread
}

function handle(message: WorkerRequest): WorkerReply {
  switch (message.kind) {
    case 'analyze': {
      const { data, analyses } = runAnalysis(message.request);
      retained.set(message.request.root, analyses);
      return { kind: 'analyzed', id: message.id, data };
    }
    case 'hover': {
      const analyses = retained.get(message.root) ?? [];
      return { kind: 'hover', id: message.id, facts: settingFacts([{ analyses }], message.file, message.line, message.name) };
    }
    case 'forget':
      retained.delete(message.root);
      return { kind: 'forgotten', id: message.id };
  }
}

parentPort?.on('message', (message: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = handle(message);
  } catch (err) {
    reply = { kind: 'failed', id: message.id, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
