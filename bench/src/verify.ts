// Signature verification on DLR1-sized payloads: node:crypto (OpenSSL) against @noble/curves,
// the card's library. This figure decides which one the LR hot path uses.
import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { decodeDlr1, parseMeterPublicKey, verifyReadingSignature, type MeterPublicKey } from '@speedledger/lr-chaincode/core';
import { deriveMeterSigner, encodeSignedDlr1 } from '@speedledger/datasets';
import { machineLine, measureRate } from './harness.js';

const n = 1500;
const signer = deriveMeterSigner(1, 'BENCH-1');
const loop = new Uint16Array(n).fill(30000);
const bytes = encodeSignedDlr1({ meterId: 'BENCH-1', seq: 1n, t0Us: 0n, sampleRateHz: 1000, loopA: loop, loopB: loop }, signer);
const decoded = decodeDlr1(bytes);
if (!decoded.ok) throw new Error(decoded.detail);
const reading = decoded.reading;
const key = parseMeterPublicKey(signer.publicKeyHex) as MeterPublicKey;
const publicKey = Buffer.from(signer.publicKeyHex, 'hex');

console.log(machineLine());
console.log(`payload: ${bytes.length} bytes (n = ${n} samples per loop)`);
const nodeRate = measureRate(() => {
  if (!verifyReadingSignature(reading, key).ok) throw new Error('verify failed');
});
console.log(`node:crypto verify   ${nodeRate.perSecond.toFixed(0)} /s`);
const nobleRate = measureRate(() => {
  const digest = createHash('sha256').update(reading.signedBytes).digest();
  if (!p256.verify(reading.signature, digest, publicKey, { prehash: false, lowS: true })) throw new Error('verify failed');
}, 2);
console.log(`@noble/curves verify ${nobleRate.perSecond.toFixed(0)} /s`);
console.log(`ratio ${(nodeRate.perSecond / nobleRate.perSecond).toFixed(1)}×`);
