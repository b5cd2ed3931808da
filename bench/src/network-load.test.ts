import type { GeneratedReading } from '@speedledger/datasets';
import { describe, expect, it } from 'vitest';
import { MeterQueues } from './network-load.js';

const reading = (meterId: string, seq: number): GeneratedReading =>
  ({ fileName: `${meterId}-${seq}.dlr`, bytes: new Uint8Array([seq]), truth: { meterId, seq } }) as unknown as GeneratedReading;
const ids = (readings: readonly GeneratedReading[]): string[] => readings.map((r) => `${r.truth.meterId}/${r.truth.seq}`);

describe('MeterQueues', () => {
  it('hands out at most one reading per meter until it is released, in each meter\'s order', () => {
    const queues = new MeterQueues();
    queues.add([reading('A', 1), reading('A', 2), reading('B', 1), reading('A', 3)]);
    const first = queues.take(10);
    expect(ids(first).sort()).toEqual(['A/1', 'B/1']);
    expect(queues.take(10)).toEqual([]);
    expect(queues.size).toBe(2);
    queues.release(first.filter((r) => r.truth.meterId === 'A'));
    expect(ids(queues.take(10))).toEqual(['A/2']);
    expect(queues.take(10)).toEqual([]);
  });

  it('takes no more than asked and rotates across meters', () => {
    const queues = new MeterQueues();
    queues.add(['A', 'B', 'C'].flatMap((m) => [reading(m, 1), reading(m, 2)]));
    const one = queues.take(1);
    expect(one).toHaveLength(1);
    const rest = queues.take(5);
    expect(new Set([...one, ...rest].map((r) => r.truth.meterId)).size).toBe(3);
    queues.release([...one, ...rest]);
    expect(ids(queues.take(5)).sort()).toEqual(['A/2', 'B/2', 'C/2']);
    expect(queues.size).toBe(0);
  });
});
