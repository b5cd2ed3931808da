/**
 * Worker-thread half of the coverage-guided fuzzer: runs one target on the inputs the main
 * thread sends and answers, per input, the outcome and the code blocks it executed (V8 precise
 * block coverage, reset at every take). Runs in its own thread so that a hang is observable: the
 * main thread's per-input timer terminates it.
 */
import { Session } from 'node:inspector/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget } from './fuzz-targets.js';

/** What the main thread sends. */
export interface WorkerRequest {
  readonly input: Uint8Array;
}

/** What the worker answers for one input. */
export interface WorkerReply {
  /** `ok`, `refused` (the typed error) or `finding` (any other throw). */
  readonly outcome: 'ok' | 'refused' | 'finding';
  readonly error?: string;
  /** Executed block ids in the code under test. */
  readonly blocks: readonly string[];
}

// Only blocks of the code under test count as coverage (not the worker or Node internals).
const COVERED = /google-protobuf|fabric-protos|orderer-bft\/dist\/(fabric|runtime)/;

async function main(): Promise<void> {
  const target = fuzzTarget((workerData as { target: string }).target);
  if (target === undefined) throw new Error(`unknown fuzz target ${(workerData as { target: string }).target}`);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  parentPort!.on('message', (request: WorkerRequest) => {
    void (async () => {
      let outcome: WorkerReply['outcome'] = 'ok';
      let error: string | undefined;
      try {
        target.run(request.input);
      } catch (thrown) {
        outcome = target.expected(thrown) ? 'refused' : 'finding';
        if (outcome === 'finding') error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
      }
      const { result } = await session.post('Profiler.takePreciseCoverage');
      const blocks: string[] = [];
      for (const script of result) {
        if (!COVERED.test(script.url)) continue;
        for (const fn of script.functions) {
          for (const range of fn.ranges) if (range.count > 0) blocks.push(`${script.url}:${range.startOffset}:${range.endOffset}`);
        }
      }
      parentPort!.postMessage({ outcome, ...(error === undefined ? {} : { error }), blocks } satisfies WorkerReply);
    })();
  });
  parentPort!.postMessage('ready');
}

void main();
