/**
 * A small coverage-guided fuzzer (Jazzer.js 4 cannot load here: its native addon needs glibc
 * 2.38; 2.1 downloads prebuilt binaries from github.com). Inputs from a corpus are mutated
 * ({@link mutate}, seeded PRNG) and run by a worker thread ({@link WorkerReply}); an input that
 * executes a block no earlier input did joins the corpus. A throw the target does not document
 * is a finding; no answer within `perInputMs` is a hang (the worker is terminated and replaced).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Prng } from '../sim/prng.js';
import type { WorkerReply } from './fuzz-worker.js';
import { mutate } from './mutator.js';

/** Options of {@link fuzz}. */
export interface FuzzOptions {
  readonly target: string;
  /** Seed inputs (at least one; an empty input is used when none is given). */
  readonly corpus: readonly Uint8Array[];
  /** Wall-clock budget in milliseconds. */
  readonly timeMs: number;
  /** Bound on one input; above it the input is a hang (default 2000 ms). */
  readonly perInputMs?: number;
  readonly seed?: number;
  /** Stop after this many executions (default: only the time bound). */
  readonly maxRuns?: number;
}

/** A failing input. */
export interface FuzzFinding {
  readonly kind: 'hang' | 'unexpected-error';
  readonly input: Uint8Array;
  readonly detail: string;
}

/** What a run did. */
export interface FuzzReport {
  readonly target: string;
  readonly runs: number;
  readonly blocks: number;
  readonly corpus: readonly Uint8Array[];
  readonly findings: readonly FuzzFinding[];
}

const workerUrl = new URL('./fuzz-worker.js', import.meta.url);

/** Starts a worker for `target`, resolved once it is ready to take inputs. */
function startWorker(target: string): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: { target } });
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

/** Runs one input: its reply, or undefined if none came within `ms`. */
function runOne(worker: Worker, input: Uint8Array, ms: number): Promise<WorkerReply | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.off('message', answer);
      resolve(undefined);
    }, ms);
    const answer = (reply: WorkerReply): void => {
      clearTimeout(timer);
      resolve(reply);
    };
    worker.once('message', answer);
    worker.postMessage({ input });
  });
}

/** Fuzzes `options.target` for `options.timeMs`; never throws for a finding (it is reported). */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const perInputMs = options.perInputMs ?? 2000;
  const rng = new Prng(options.seed ?? 1);
  const corpus = options.corpus.length === 0 ? [new Uint8Array()] : [...options.corpus];
  const seen = new Set<string>();
  const findings: FuzzFinding[] = [];
  let worker = await startWorker(options.target);
  let runs = 0;
  const deadline = Date.now() + options.timeMs;
  try {
    // Seeds first, as they are, then mutations of corpus entries.
    const queue = [...corpus];
    while (Date.now() < deadline && (options.maxRuns === undefined || runs < options.maxRuns)) {
      const input = queue.shift() ?? mutate(corpus[rng.nextUint32() % corpus.length]!, corpus[rng.nextUint32() % corpus.length]!, rng);
      runs += 1;
      const reply = await runOne(worker, input, perInputMs);
      if (reply === undefined) {
        findings.push({ kind: 'hang', input, detail: `no answer within ${perInputMs} ms` });
        await worker.terminate();
        worker = await startWorker(options.target);
        continue;
      }
      if (reply.outcome === 'finding') findings.push({ kind: 'unexpected-error', input, detail: reply.error ?? 'unknown error' });
      let novel = false;
      for (const block of reply.blocks) {
        if (!seen.has(block)) {
          seen.add(block);
          novel = true;
        }
      }
      if (novel && !options.corpus.includes(input)) corpus.push(input);
    }
  } finally {
    await worker.terminate();
  }
  return { target: options.target, runs, blocks: seen.size, corpus, findings };
}

/** The inputs stored under `dir` (one file per input); none if the directory does not exist. */
export async function readCorpus(dir: string): Promise<Uint8Array[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return [];
  }
  return Promise.all(names.map(async (name) => new Uint8Array(await readFile(join(dir, name)))));
}
