import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAndVerify } from './decode-and-verify.js';
import { decodeDlr1 } from './dlr1-decode.js';
import { parseMeterPublicKey, type MeterPublicKey } from './meter-public-key.js';

// Vectors made by an independent implementation of the spec (copied from shared/spec/vectors).
const dir = fileURLToPath(new URL('../../test-vectors/dlr1/', import.meta.url));
const expectations = readFileSync(`${dir}expected.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { file: string; expect: string; [k: string]: unknown });
const parsed = parseMeterPublicKey(readFileSync(`${dir}pubkey.hex`, 'utf8').trim());
if (!('keyObject' in parsed)) throw new Error(`vector key does not parse: ${parsed.detail}`);
const key: MeterPublicKey = parsed;

describe('DLR1 independent test vectors', () => {
  it('covers every vector file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.dlr'));
    expect(files.sort()).toEqual(expectations.map((e) => e.file).sort());
  });

  for (const vector of expectations) {
    it(`${vector.file}: ${vector.expect}`, () => {
      const bytes = new Uint8Array(readFileSync(dir + vector.file));
      const result = decodeAndVerify(bytes, key);
      if (vector.expect.startsWith('decodes')) {
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const r = result.reading;
        expect(r.meterId).toBe(vector.meterId);
        expect(r.seq).toBe(BigInt(vector.seq as number));
        expect(r.t0Us).toBe(BigInt(vector.t0_us as number));
        expect(r.sampleRateHz).toBe(vector.sample_rate_hz);
        expect(r.n).toBe(vector.n);
        expect(r.flags).toBe(vector.flags);
        expect(bytes.length).toBe(vector.length);
      } else {
        const reason = vector.expect.split(' ')[0];
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.reason).toBe(reason);
        expect(result.detail.length).toBeGreaterThan(0);
      }
    });
  }

  it('tampered.dlr still decodes structurally: only the signature gives it away', () => {
    const result = decodeDlr1(new Uint8Array(readFileSync(`${dir}tampered.dlr`)));
    expect(result.ok).toBe(true);
  });
});
