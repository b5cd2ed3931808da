'use strict';
// The meters and readings the Caliper rounds use: one datasets reading stream (seeded, so the
// registration round and the submission round agree on every meter's key), loaded from this
// repository's @speedledger/datasets by the absolute path run.sh passes in SPEEDLEDGER_DATASETS
// (Caliper runs outside the repository, see install.sh; an ES module, hence the dynamic import).
const { pathToFileURL } = require('node:url');

let cached;

/** The stream for `meters` meters and `seed` (one per worker process, shared by its rounds). */
async function fleet(meters, seed) {
    if (cached && cached.meters === meters && cached.seed === seed) {
        return cached;
    }
    const entry = process.env.SPEEDLEDGER_DATASETS;
    if (!entry) {
        throw new Error('SPEEDLEDGER_DATASETS is not set: run the benchmark with bench/caliper/run.sh');
    }
    const { createReadingStream } = await import(pathToFileURL(entry).href);
    const stream = createReadingStream({ meters, seed, speedup: Infinity, startTime: Date.parse('2026-03-02T10:30:00Z'), mix: 'default' });
    cached = { meters, seed, stream, iterator: stream[Symbol.asyncIterator](), queued: new Map(), busy: new Set() };
    return cached;
}

/**
 * The next reading of a meter with nothing in flight (a meter's second transaction in flight
 * would be an MVCC conflict on its sequence key). Generates readings until one fits.
 */
async function nextReading(state) {
    for (const [meterId, queue] of state.queued) {
        if (!state.busy.has(meterId) && queue.length > 0) {
            state.busy.add(meterId);
            return queue.shift();
        }
    }
    for (;;) {
        const next = await state.iterator.next();
        if (next.done) {
            throw new Error('the reading stream ended');
        }
        const reading = next.value;
        const meterId = reading.truth.meterId;
        if (!state.busy.has(meterId)) {
            state.busy.add(meterId);
            return reading;
        }
        if (!state.queued.has(meterId)) {
            state.queued.set(meterId, []);
        }
        state.queued.get(meterId).push(reading);
    }
}

function release(state, reading) {
    state.busy.delete(reading.truth.meterId);
}

module.exports = { fleet, nextReading, release };
