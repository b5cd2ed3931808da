/**
 * Measures {@link OperationCosts} on this machine: node:crypto P-256 verification and signing of a
 * proposal-sized message, and one LR execution (decode + signature check + `measureSpeed`) over
 * datasets default-mix readings. CPU time (process.cpuUsage), so a shared machine's waiting does
 * not count.
 */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { createDataset } from '@speedledger/datasets';
import { decodeAndVerify, measureSpeed, parseMeterPublicKey, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import type { OperationCosts } from './intrinsic-floor.js';

function cpuMicrosPer(count: number, op: (i: number) => void): number {
  for (let i = 0; i < Math.min(50, count); i += 1) op(i);
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) op(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/** Per-operation CPU µs on this machine (a few seconds of CPU in all). */
export function measureOperationCosts(): OperationCosts {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.alloc(1500, 7);
  const signature = createSign('SHA256').update(message).sign(privateKey);
  const verifyUs = cpuMicrosPer(2000, () => {
    if (!createVerify('SHA256').update(message).verify(publicKey, signature)) throw new Error('verify failed');
  });
  const signUs = cpuMicrosPer(2000, () => void createSign('SHA256').update(message).sign(privateKey));
  const dataset = createDataset({ meters: 10, readings: 200, seed: 7, mix: 'default' });
  const meters = new Map(dataset.fleet.meters.map((m) => [m.meterId, { key: parseMeterPublicKey(m.publicKeyHex) as MeterPublicKey, site: m.site }]));
  const items = [...dataset.readings()].map((r) => ({ bytes: r.bytes, ...meters.get(r.truth.meterId)! }));
  const lrUs = cpuMicrosPer(600, (i) => {
    const item = items[i % items.length]!;
    const authentic = decodeAndVerify(item.bytes, item.key);
    if (authentic.ok) measureSpeed(authentic.reading, item.site);
  });
  return { verifyUs, signUs, lrUs };
}
