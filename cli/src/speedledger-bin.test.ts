import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The real executable in a real process: what a user gets from `npx speedledger`.
const bin = fileURLToPath(new URL('../bin/speedledger.js', import.meta.url));
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'speedledger-bin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface ManifestLine {
  file: string;
  meterId: string;
  kind: string;
  expected: 'accepted' | 'rejected';
  expectedReasons: string[];
  referenceSpeedKmh: number | null;
}

// Each test starts real Node processes (≈ 1.2 s each on an idle 2-core machine): the default 5 s
// is too tight when the machine is shared, and a timeout here would say nothing about behaviour.
describe('speedledger executable', { timeout: 60_000 }, () => {
  it('lists the subcommands of every package', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    // Every package's commands, and our own help: a dependency that parses argv on load
    // (fabric-network's fabric-common answers --help itself) must not take over.
    for (const command of ['dataset generate', 'measure', 'orderer start', 'peer start', 'up', 'status', 'chaincode approve', 'meter register', 'reading submit', 'ingest serve', 'ingest replay']) {
      expect(stdout).toContain(`speedledger ${command}`);
    }
  });

  it('exits 2 on an unknown command', async () => {
    await expect(run(process.execPath, [bin, 'no-such-command'])).rejects.toMatchObject({ code: 2 });
  });

  it('generates a signed dataset and measures it as an auditor would', async () => {
    const out = join(work, 'day');
    await run(process.execPath, [bin, 'dataset', 'generate', '--meters', '2', '--readings', '40', '--seed', '11', '--out', out, '--mix', 'hard']);
    const fleet = JSON.parse(readFileSync(join(out, 'fleet.json'), 'utf8')) as {
      meters: { meterId: string; publicKeyHex: string; site: { spacingMm: number; loopLengthMm: number; sampleRateHz: number } }[];
    };
    const meter = fleet.meters[0]!;
    const manifest = readFileSync(join(out, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ManifestLine)
      .filter((line) => line.meterId === meter.meterId);
    expect(manifest.length).toBeGreaterThan(5);

    const { stdout } = await run(process.execPath, [
      bin,
      'measure',
      '--spacing-mm',
      String(meter.site.spacingMm),
      '--loop-length-mm',
      String(meter.site.loopLengthMm),
      '--rate-hz',
      String(meter.site.sampleRateHz),
      '--public-key',
      meter.publicKeyHex,
      ...manifest.map((line) => join(out, line.file)),
    ]);
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; status: string; speedKmh?: number; reason?: string });
    expect(results.map((r) => r.file)).toEqual(manifest.map((line) => join(out, line.file)));
    results.forEach((result, i) => {
      const truth = manifest[i]!;
      if (truth.expected === 'accepted') {
        expect(result.status, `${truth.file} (${truth.kind})`).toBe('accepted');
        expect(Math.abs(result.speedKmh! - truth.referenceSpeedKmh!)).toBeLessThanOrEqual(3);
      } else {
        expect(result.status, `${truth.file} (${truth.kind})`).toBe('rejected');
        expect(truth.expectedReasons).toContain(result.reason);
      }
    });
  });

  it('measures a whole dataset against its fleet registry, refusing readings of unregistered meters', async () => {
    const out = join(work, 'fleet-day');
    await run(process.execPath, [bin, 'dataset', 'generate', '--meters', '3', '--readings', '30', '--seed', '12', '--out', out]);
    const fleetText = readFileSync(join(out, 'fleet.json'), 'utf8');
    const fleet = JSON.parse(fleetText) as { format: string; meters: { meterId: string }[] };
    const dropped = fleet.meters[2]!.meterId;
    const partial = join(work, 'fleet-partial.json');
    writeFileSync(partial, JSON.stringify({ ...fleet, meters: fleet.meters.slice(0, 2) }));
    const manifest = readFileSync(join(out, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ManifestLine);

    const { stdout } = await run(process.execPath, [bin, 'measure', '--fleet', partial, ...manifest.map((line) => join(out, line.file))]);
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; meterId: string; speedKmh?: number; reason?: string; signatureChecked?: boolean });
    expect(results).toHaveLength(manifest.length);
    results.forEach((result, i) => {
      const truth = manifest[i]!;
      expect(result.meterId).toBe(truth.meterId);
      if (truth.meterId === dropped) {
        expect(result).toMatchObject({ status: 'rejected', reason: 'UNKNOWN_METER' });
      } else if (truth.expected === 'accepted') {
        expect(result.status, `${truth.file} (${truth.kind})`).toBe('accepted');
        expect(result.signatureChecked).toBe(true);
        expect(Math.abs(result.speedKmh! - truth.referenceSpeedKmh!)).toBeLessThanOrEqual(3);
      } else {
        expect(truth.expectedReasons).toContain(result.reason);
      }
    });
    expect(results.some((r) => r.reason === 'UNKNOWN_METER')).toBe(true);
  });

  it('refuses --fleet mixed with site options, and an unreadable fleet, with exit code 2', async () => {
    await expect(run(process.execPath, [bin, 'measure', '--fleet', join(work, 'fleet-partial.json'), '--spacing-mm', '3600', 'x.dlr'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [bin, 'measure', '--fleet', join(work, 'no-such-fleet.json'), 'x.dlr'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--fleet'),
    });
  });
});
