import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** What `/healthz` says about the event loop. */
export interface EventLoopHealth {
  readonly ok: boolean;
  /** Longest event-loop delay seen in the recent window, in ms. */
  readonly maxDelayMs: number;
  readonly detail?: string;
}

/** Tuning of {@link EventLoopWatchdog}. */
export interface EventLoopWatchdogOptions {
  /** A loop delay at least this long turns health red for `windowMs` (default 2000). */
  readonly stallMs?: number;
  /** How long a seen stall keeps health red (default 10 000). */
  readonly windowMs?: number;
  /**
   * A loop that has not turned for this long is stuck for good (issue 17: a decoder spinning at
   * 100 % CPU): the watchdog thread kills the process with SIGKILL so that a supervisor or systemd
   * (`Restart=on-failure`) starts it again. 0 disables (default 30 000, or `SPEEDLEDGER_STALL_ABORT_MS`).
   */
  readonly abortAfterMs?: number;
  /** Where the watchdog thread writes its JSON lines (default: fd 2, stderr). */
  readonly logFd?: number;
  /** A label in the watchdog's log lines (member name). */
  readonly name?: string;
}

const HEARTBEAT_MS = 100;
const SAMPLE_MS = 500;

/**
 * Milliseconds on the process's monotonic clock (CLOCK_MONOTONIC via `process.hrtime`), which is
 * the same in every thread of the process. Not `Date.now()`: the wall clock is stepped by NTP or a
 * VM's time sync, and a 32 s step forward looked like a 32 s stall, so the watchdog killed a peer
 * whose loop was turning (sensor-ingest fault suite, 2 orderers stopped).
 */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/*
 * Runs in its own thread, so it keeps running while the main loop is stuck: it reads the
 * heartbeat the main thread writes into shared memory, logs a stall once, and past the abort
 * bound kills the process. An ES module in a data: URL, so there is no file to locate at runtime
 * and it loads the same whether the main program is CommonJS or ESM.
 */
const WATCHDOG_THREAD = `
import { workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';
const beat = new Float64Array(workerData.buffer);
let reported = false;
setInterval(() => {
  // Monotonic, as the heartbeat: a wall-clock step is not a stall.
  const stalled = Math.round(Number(process.hrtime.bigint()) / 1e6 - beat[0]);
  const line = (event, extra) => {
    try { writeSync(workerData.logFd, JSON.stringify({ ts: new Date().toISOString(), level: 'error', name: workerData.name, event, stalledMs: stalled, ...extra }) + '\\n'); } catch {}
  };
  if (stalled >= workerData.stallMs && !reported) { reported = true; line('event-loop-stalled', { abortAfterMs: workerData.abortAfterMs }); }
  if (stalled < workerData.stallMs) reported = false;
  if (workerData.abortAfterMs > 0 && stalled >= workerData.abortAfterMs) {
    line('event-loop-stuck-killing-process', {});
    process.kill(process.pid, 'SIGKILL');
  }
}, ${SAMPLE_MS});
`;

/**
 * Event-loop stall detection for a long-running process (peer or orderer): a
 * `monitorEventLoopDelay` histogram turns {@link health} red after a stall, and a watchdog worker
 * thread, which keeps running while the main loop is stuck, logs the stall and kills a process
 * whose loop stays stuck. A loop that is stuck cannot answer `/healthz` at all, so supervisors
 * must also treat a probe timeout as red (the network supervisor does).
 */
export class EventLoopWatchdog {
  private readonly histogram: IntervalHistogram;
  private readonly recent: number[] = [];
  private readonly sampler: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly worker?: Worker;
  private readonly stallMs: number;
  private readonly windowSamples: number;

  constructor(options: EventLoopWatchdogOptions = {}) {
    this.stallMs = options.stallMs ?? 2000;
    this.windowSamples = Math.max(1, Math.ceil((options.windowMs ?? 10_000) / SAMPLE_MS));
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    this.sampler.unref();
    const abortAfterMs = options.abortAfterMs ?? Number(process.env.SPEEDLEDGER_STALL_ABORT_MS ?? 30_000);
    const buffer = new SharedArrayBuffer(8);
    const beat = new Float64Array(buffer);
    beat[0] = monotonicMs();
    this.heartbeat = setInterval(() => (beat[0] = monotonicMs()), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WATCHDOG_THREAD)}`), {
      workerData: { buffer, stallMs: this.stallMs, abortAfterMs: Number.isFinite(abortAfterMs) ? abortAfterMs : 0, logFd: options.logFd ?? 2, name: options.name ?? '' },
    });
    this.worker.unref();
  }

  /** Red while a stall of at least `stallMs` was seen within the window. */
  health(): EventLoopHealth {
    const maxDelayMs = Math.max(this.current(), ...this.recent);
    const ok = maxDelayMs < this.stallMs;
    return { ok, maxDelayMs, ...(ok ? {} : { detail: `event loop stalled ${Math.round(maxDelayMs)} ms (bound ${this.stallMs} ms)` }) };
  }

  /** Stops the sampler, the heartbeat and the watchdog thread. */
  async stop(): Promise<void> {
    clearInterval(this.sampler);
    clearInterval(this.heartbeat);
    this.histogram.disable();
    await this.worker?.terminate();
  }

  private current(): number {
    // The histogram reports nanoseconds; max is 0 before the first sample.
    return this.histogram.count === 0 ? 0 : this.histogram.max / 1e6;
  }

  private sample(): void {
    this.recent.push(this.current());
    if (this.recent.length > this.windowSamples) this.recent.shift();
    this.histogram.reset();
  }
}
