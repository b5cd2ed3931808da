import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataset } from '../adapters/write-dataset.js';
import { DatasetOptionsError, type DatasetOptions } from '../dataset/dataset-options.js';

/** Where a command writes (structurally the `speedledger` CLI's CliIo). */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `usage: speedledger dataset generate --meters N --readings M --seed S --out DIR
                                    [--mix clean|default|hard] [--rate-hz R] [--force]

Simulates N meters on São Paulo roads and M signed DLR1 readings in total along one traffic
day, and writes DIR/readings/*.dlr, DIR/manifest.jsonl (ground truth), DIR/fleet.json and
DIR/keys/<meterId>.pem. Refuses a non-empty DIR unless --force. Prints a one-line JSON summary.
`;

class UsageError extends Error {}

function integer(name: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) throw new UsageError(`--${name} is required`);
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be in ${min}..${max}, got ${text}`);
  return value;
}

function parse(args: string[]): { options: DatasetOptions; out: string; force: boolean } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        meters: { type: 'string' },
        readings: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        mix: { type: 'string' },
        'rate-hz': { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const mix = values.mix ?? 'default';
  if (mix !== 'clean' && mix !== 'default' && mix !== 'hard') throw new UsageError(`--mix must be clean, default or hard, got ${JSON.stringify(mix)}`);
  if (values.out === undefined || values.out === '') throw new UsageError('--out is required');
  const options: DatasetOptions = {
    meters: integer('meters', values.meters, 1, 999_999),
    readings: integer('readings', values.readings, 0, 100_000_000),
    seed: integer('seed', values.seed, -(2 ** 53 - 1), 2 ** 53 - 1),
    mix,
    sampleRateHz: values['rate-hz'] === undefined ? 1000 : integer('rate-hz', values['rate-hz'], 100, 20_000),
  };
  return { options, out: values.out, force: values.force };
}

async function isNonEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** `speedledger dataset generate`. */
export const generateCommand = {
  path: ['dataset', 'generate'],
  summary: 'Simulate a meter fleet and write signed DLR1 readings with ground truth',
  usage: USAGE,
  async run(args: string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parse(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`speedledger dataset generate: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    const dir = resolve(parsed.out);
    try {
      if (!parsed.force && (await isNonEmptyDir(dir))) {
        io.stderr.write(`speedledger dataset generate: ${dir} is not empty (use --force to write into it)\n`);
        return 2;
      }
      const started = Date.now();
      const { files, bytes } = await writeDataset(dir, parsed.options);
      const summary = { out: dir, meters: parsed.options.meters, readings: parsed.options.readings, seed: parsed.options.seed, mix: parsed.options.mix, sampleRateHz: parsed.options.sampleRateHz, files, bytes, seconds: (Date.now() - started) / 1000 };
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    } catch (error) {
      if (error instanceof DatasetOptionsError) {
        io.stderr.write(`speedledger dataset generate: ${error.message}\n`);
        return 2;
      }
      const e = error as NodeJS.ErrnoException;
      io.stderr.write(`speedledger dataset generate: cannot write ${dir}: ${e.code ?? ''} ${e.message}\n`);
      return 1;
    }
  },
};
