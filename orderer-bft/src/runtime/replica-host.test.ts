import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReplicaDependencies } from '../core/dependencies.js';
import { encodeSimRequest, SimAssembler, simInspector } from '../sim/sim-assembler.js';
import { sha256Hasher, SimKeyring } from '../sim/sim-crypto.js';
import type { Logger } from './logger.js';
import { RUNTIME_TIMING } from './node-config.js';
import { ReplicaHost } from './replica-host.js';
import { BlockStore } from './storage/block-store.js';
import { WriteAheadLog } from './storage/write-ahead-log.js';

const deps: ReplicaDependencies = {
  signer: new SimKeyring(1, 1).signerFor(0), verifier: new SimKeyring(1, 1), assembler: new SimAssembler(sha256Hasher),
  inspector: simInspector, hasher: sha256Hasher, genesisHeader: new TextEncoder().encode('genesis'),
};
const silent: Logger = { log: () => undefined };

async function open(dir: string): Promise<{ host: ReplicaHost; close(): Promise<void> }> {
  const { wal, records } = await WriteAheadLog.open(join(dir, 'wal'));
  const blocks = await BlockStore.open(join(dir, 'blocks'));
  const host = new ReplicaHost({
    config: { ...RUNTIME_TIMING, batchMaxCount: 2, id: 0, n: 1 }, deps, wal, walRecords: records, blocks, logger: silent,
    transport: { send: () => undefined, broadcast: () => undefined, pull: async () => [] },
  });
  await host.start();
  const close = async (): Promise<void> => {
    host.stop();
    await wal.close();
    await blocks.close();
  };
  return { host, close };
}

function heightReached(host: ReplicaHost, height: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`height ${host.height} never reached ${height}`)), 5000);
    const check = (): void => {
      if (host.height < height) return;
      clearTimeout(timer);
      host.off('height', check);
      resolve();
    };
    host.on('height', check);
    check();
  });
}

describe('ReplicaHost (one replica, real files and timers)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'host-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('orders submissions into durable blocks and reports verdicts', async () => {
    const { host, close } = await open(dir);
    expect(host.submit(encodeSimRequest('c', 'r1'))).toBe('accepted');
    expect(host.submit(encodeSimRequest('c', 'r1'))).toBe('duplicate');
    expect(host.submit(new TextEncoder().encode('no separators'))).toBe('invalid');
    expect(host.submit(encodeSimRequest('c', 'r2'))).toBe('accepted');
    await heightReached(host, 1);
    const decisions = await host.decisions(1, 10);
    expect(decisions.map((d) => d.seq)).toEqual([1]);
    expect(deps.assembler.disassemble(decisions[0]!.proposal)).toHaveLength(2);
    await close();
  });

  it('answers a pull with no more decisions than the byte budget allows, but always at least one', async () => {
    const { host, close } = await open(dir);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) host.submit(encodeSimRequest('c', id));
    await heightReached(host, 3);
    expect((await host.decisions(1, 10)).map((d) => d.seq)).toEqual([1, 2, 3]);
    expect((await host.decisions(1, 10, 1)).map((d) => d.seq)).toEqual([1]);
    const one = await host.decisions(1, 1);
    const size = one[0]!.proposal.header.byteLength + one[0]!.proposal.payload.byteLength + 128 * one[0]!.signatures.length;
    expect((await host.decisions(1, 10, size + 1)).map((d) => d.seq)).toEqual([1, 2]);
    await close();
  });

  it('re-delivers a WAL decision whose block was lost in a crash, and never re-orders a delivered request', async () => {
    const first = await open(dir);
    const host = first.host;
    for (const id of ['a', 'b', 'c', 'd']) host.submit(encodeSimRequest('c', id));
    await heightReached(host, 2);
    await first.close();
    // Crash between the WAL decision and the block append: the last block record is torn.
    const blocksPath = join(dir, 'blocks');
    const full = await readFile(blocksPath);
    await writeFile(blocksPath, full.subarray(0, full.byteLength - 10));
    const torn = await BlockStore.open(blocksPath);
    expect(torn.height).toBe(1);
    await torn.close();

    const second = await open(dir);
    const restarted = second.host;
    expect(restarted.height).toBe(2);
    expect(restarted.submit(encodeSimRequest('c', 'a'))).toBe('duplicate');
    expect(restarted.submit(encodeSimRequest('c', 'e'))).toBe('accepted');
    await heightReached(restarted, 3);
    await second.close();
  });
});
