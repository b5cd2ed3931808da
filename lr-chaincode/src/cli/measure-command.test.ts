import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DLR1, dlr1Length } from '../core/index.js';
import { generatePass } from '../core/test-support/loop-signal-generator.js';
import { commands } from './index.js';

const vectors = fileURLToPath(new URL('../../test-vectors/dlr1/', import.meta.url));
const publicKey = readFileSync(join(vectors, 'pubkey.hex'), 'utf8').trim();
const measure = commands.find((c) => c.path.join(' ') === 'measure')!;

async function runMeasure(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  let out = '';
  let err = '';
  const code = await measure.run(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  const lines = out.trim() === '' ? [] : out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines, stderr: err };
}

/** An unsigned DLR1 file (zero signature) built from generated loops: fine without --public-key. */
function unsignedReading(loopA: Uint16Array, loopB: Uint16Array, rate: number): Uint8Array {
  const n = loopA.length;
  const bytes = new Uint8Array(dlr1Length(n));
  const view = new DataView(bytes.buffer);
  bytes.set([0x44, 0x4c, 0x52, 0x31]);
  view.setUint8(DLR1.OFFSET_VERSION, 1);
  view.setUint8(DLR1.OFFSET_CHANNELS, 2);
  bytes.set([...'T-1'].map((c) => c.charCodeAt(0)), DLR1.OFFSET_METER_ID);
  view.setBigUint64(DLR1.OFFSET_SEQ, 7n);
  view.setUint32(DLR1.OFFSET_SAMPLE_RATE, rate);
  view.setUint32(DLR1.OFFSET_N, n);
  for (let i = 0; i < n; i++) {
    view.setUint16(DLR1.HEADER_BYTES + 2 * i, loopA[i]!);
    view.setUint16(DLR1.HEADER_BYTES + 2 * n + 2 * i, loopB[i]!);
  }
  return bytes;
}

const site = ['--spacing-mm', '3600', '--loop-length-mm', '1800'];

describe('speedledger measure', () => {
  it('measures the independent DLR1 vectors valid-1..3 with signature check', async () => {
    const files = ['valid-1.dlr', 'valid-2.dlr', 'valid-3.dlr'].map((f) => join(vectors, f));
    const { code, lines } = await runMeasure([...site, '--rate-hz', '1000', '--public-key', publicKey, ...files]);
    expect(code).toBe(0);
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const line of lines) {
      expect(line.status).toBe('accepted');
      expect(line.meterId).toBe('SP-VEC-0001');
      expect(typeof line.speedKmh).toBe('number');
      expect(line.speedKmh as number).toBeGreaterThan(5);
      expect(line.speedKmh as number).toBeLessThan(300);
    }
  });

  it('rejects tampered and malformed vectors with their reasons, in order', async () => {
    const files = ['tampered.dlr', 'malformed-bad_magic.dlr', 'malformed-empty_file.dlr'].map((f) => join(vectors, f));
    const { code, lines } = await runMeasure([...site, '--public-key', publicKey, ...files]);
    expect(code).toBe(0);
    expect(lines.map((l) => l.reason)).toEqual(['BAD_SIGNATURE', 'MALFORMED', 'MALFORMED']);
    expect(lines[0]!.meterId).toBe('SP-VEC-0001');
  });

  it('measures generated files within the permissible error and reports rejections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'measure-'));
    const pass = generatePass({ seed: 3, speedKmh: 72, cls: 'car' });
    const reverse = generatePass({ seed: 4, speedKmh: 50, reverse: true });
    writeFileSync(join(dir, 'a.dlr'), unsignedReading(pass.loopA, pass.loopB, 1000));
    writeFileSync(join(dir, 'b.dlr'), unsignedReading(reverse.loopA, reverse.loopB, 1000));
    const { code, lines } = await runMeasure([...site, join(dir, 'a.dlr'), join(dir, 'b.dlr')]);
    expect(code).toBe(0);
    expect(lines[0]!.status).toBe('accepted');
    expect(Math.abs((lines[0]!.speedKmh as number) - pass.referenceSpeedKmh)).toBeLessThan(3);
    expect(lines[0]!.seq).toBe(7);
    expect(lines[1]).toMatchObject({ status: 'rejected', reason: 'REVERSE_DIRECTION' });
    const mismatch = await runMeasure([...site, '--rate-hz', '2000', join(dir, 'a.dlr')]);
    expect(mismatch.lines[0]).toMatchObject({ status: 'rejected', reason: 'RATE_MISMATCH' });
  });

  it('prints a line for an unreadable file, goes on, and exits 1', async () => {
    const { code, lines } = await runMeasure([...site, '/nonexistent/x.dlr', join(vectors, 'valid-2.dlr')]);
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ file: '/nonexistent/x.dlr', status: 'unreadable', error: 'ENOENT' });
    expect(lines[1]!.status).toBe('accepted');
  });

  it.each([
    ['no files', [...site]],
    ['missing spacing', ['--loop-length-mm', '1800', 'x.dlr']],
    ['non-numeric spacing', ['--spacing-mm', '3.6m', '--loop-length-mm', '1800', 'x.dlr']],
    ['spacing out of range', ['--spacing-mm', '1', '--loop-length-mm', '1800', 'x.dlr']],
    ['unknown option', [...site, '--fast', 'x.dlr']],
    ['bad public key', [...site, '--public-key', 'zz', 'x.dlr']],
    ['rate out of range', [...site, '--rate-hz', '50', 'x.dlr']],
  ])('exits 2 on bad usage: %s', async (_name, args) => {
    const { code, lines, stderr } = await runMeasure(args);
    expect(code).toBe(2);
    expect(lines).toEqual([]);
    expect(stderr).toContain('Usage: speedledger measure');
  });
});
