import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  decodeDlr1,
  LR_ALGORITHM_VERSION,
  measureSpeed,
  parseMeterPublicKey,
  siteParameterProblems,
  verifyReadingSignature,
  type Dlr1Reading,
  type MeterPublicKey,
  type SiteParameters,
} from '../core/index.js';
import { parseFleetRegistry, type RegisteredMeter } from './fleet-registry.js';

/** Where the command writes; structurally the `speedledger` CLI's io. */
export interface MeasureIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `Usage: speedledger measure --spacing-mm MM --loop-length-mm MM [--rate-hz HZ] [--public-key HEX] FILE...
       speedledger measure --fleet fleet.json FILE...

Runs the legally relevant speed algorithm (${LR_ALGORITHM_VERSION}) on DLR1 reading files, offline.
Prints one JSON object per file, one per line, in the order given.

  --spacing-mm MM       leading edge of loop A to leading edge of loop B, millimetres (registered)
  --loop-length-mm MM   loop length along the lane, millimetres (registered)
  --rate-hz HZ          the approved sample rate; a reading at another rate is rejected (RATE_MISMATCH).
                        Without it, each reading's own rate is taken as approved.
  --public-key HEX      the meter's SEC1 P-256 public key; when given, signatures are checked too.
  --fleet FILE          a fleet registry (fleet.json): each reading is measured with its own meter's
                        registered site and its signature checked with that meter's key; a meter
                        missing from the registry is rejected (UNKNOWN_METER). Replaces the options above.

Exit status: 0 when every file was read (whatever the verdicts), 1 if a file could not be read,
2 on bad usage.
`;

function positiveInteger(name: string, value: string | undefined, required: boolean): number | string | undefined {
  if (value === undefined) return required ? `--${name} is required` : undefined;
  if (!/^[0-9]+$/.test(value)) return `--${name} must be a positive integer, got ${JSON.stringify(value)}`;
  return Number(value);
}

/** A JSON-safe seq: a number while exact, else its decimal string. */
function seqValue(seq: bigint): number | string {
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq.toString();
}

/**
 * How the command finds a reading's meter: its site and, when signatures are checked, its key.
 * Undefined means the meter is not registered.
 */
export type MeterLookup = (reading: Dlr1Reading) => { site: SiteParameters; key?: MeterPublicKey } | undefined;

/** The lookup for command-line site options: one site (and optional key) for every reading. */
export function fixedSiteLookup(spacingMm: number, loopLengthMm: number, rateHz: number | undefined, key?: MeterPublicKey): MeterLookup {
  return (reading) => ({
    site: {
      spacingMm,
      loopLengthMm,
      sampleRateHz: rateHz ?? reading.sampleRateHz,
      // The limit plays no part in measuring; any valid value will do.
      speedLimitKmh: 300,
      location: 'speedledger measure',
    },
    key,
  });
}

/** The lookup for a fleet registry: each meter's registered site and key. */
export function registryLookup(registry: ReadonlyMap<string, RegisteredMeter>): MeterLookup {
  return (reading) => registry.get(reading.meterId);
}

/** Measures one file's bytes; returns the output object. Pure apart from the inputs. */
export function measureReadingBytes(file: string, bytes: Uint8Array, lookup: MeterLookup): Record<string, unknown> {
  const decoded = decodeDlr1(bytes);
  if (!decoded.ok) return { file, status: 'rejected', reason: decoded.reason, detail: decoded.detail };
  const reading = decoded.reading;
  const ids = { meterId: reading.meterId, seq: seqValue(reading.seq) };
  const meter = lookup(reading);
  if (!meter) return { file, status: 'rejected', ...ids, reason: 'UNKNOWN_METER', detail: `meter ${reading.meterId} is not in the registry` };
  const { site, key } = meter;
  if (key) {
    const check = verifyReadingSignature(reading, key);
    if (!check.ok) return { file, status: 'rejected', ...ids, reason: check.reason, detail: check.detail };
  }
  const result = measureSpeed(reading, site);
  if (!result.ok) return { file, status: 'rejected', ...ids, reason: result.reason, detail: result.detail };
  return {
    file,
    status: 'accepted',
    ...ids,
    speedKmh: result.speedKmh,
    lengthM: result.lengthM,
    sampleRateHz: reading.sampleRateHz,
    t0Us: reading.t0Us.toString(),
    shiftMicros: result.shiftMicros,
    correlationPermille: result.correlationPermille,
    loopA: result.loopA,
    loopB: result.loopB,
    signatureChecked: key !== undefined,
    algorithm: LR_ALGORITHM_VERSION,
  };
}

/** `speedledger measure`: the auditors' offline tool (spec, last section). */
export const measureCommand = {
  path: ['measure'],
  summary: 'Measure the speed in DLR1 reading files with the LR algorithm, offline',
  usage: USAGE,
  async run(args: string[], io: MeasureIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          'spacing-mm': { type: 'string' },
          'loop-length-mm': { type: 'string' },
          'rate-hz': { type: 'string' },
          'public-key': { type: 'string' },
          fleet: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const problems: string[] = [];
    if (positionals.length === 0) problems.push('at least one FILE is required');
    let lookup: MeterLookup | undefined;
    if (values.fleet !== undefined) {
      const siteOptions = (['spacing-mm', 'loop-length-mm', 'rate-hz', 'public-key'] as const).filter((o) => values[o] !== undefined);
      if (siteOptions.length > 0) problems.push(`--fleet replaces ${siteOptions.map((o) => `--${o}`).join(', ')}: give one or the other`);
      let text: string | undefined;
      try {
        text = await readFile(values.fleet, 'utf8');
      } catch (error) {
        problems.push(`--fleet: ${(error as Error).message}`);
      }
      if (text !== undefined) {
        const registry = parseFleetRegistry(text);
        if (Array.isArray(registry)) problems.push(...registry.map((p) => `--fleet: ${p}`));
        else lookup = registryLookup(registry);
      }
    } else {
      const spacing = positiveInteger('spacing-mm', values['spacing-mm'], true);
      const loopLength = positiveInteger('loop-length-mm', values['loop-length-mm'], true);
      const rate = positiveInteger('rate-hz', values['rate-hz'], false);
      const optionProblems = [spacing, loopLength, rate].filter((v): v is string => typeof v === 'string');
      problems.push(...optionProblems);
      if (optionProblems.length === 0) {
        const site = { spacingMm: spacing, loopLengthMm: loopLength, sampleRateHz: rate ?? 1000, speedLimitKmh: 300, location: '' };
        problems.push(...siteParameterProblems(site));
      }
      let key: MeterPublicKey | undefined;
      if (values['public-key'] !== undefined) {
        const parsedKey = parseMeterPublicKey(values['public-key']);
        if ('reason' in parsedKey) problems.push(`--public-key: ${parsedKey.detail}`);
        else key = parsedKey;
      }
      lookup = fixedSiteLookup(spacing as number, loopLength as number, rate as number | undefined, key);
    }
    if (problems.length > 0 || !lookup) {
      io.stderr.write(`${problems.join('\n')}\n\n${USAGE}`);
      return 2;
    }
    let exit = 0;
    for (const file of positionals) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        io.stdout.write(`${JSON.stringify({ file, status: 'unreadable', error: code, detail: (error as Error).message })}\n`);
        exit = 1;
        continue;
      }
      const line = measureReadingBytes(file, bytes, lookup);
      io.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return exit;
  },
};
