import { readFile } from 'node:fs/promises';
import { connectGateway, LedgerError, MAX_BATCH, MAX_BATCH_BYTES, splitIntoBatches, type LedgerClient } from '@speedledger/ledger-client';
import { connectionProfilePath, identityDir } from '../runtime/network-control.js';
import { resolveOrg } from '../runtime/identity-lookup.js';
import { openGatewaySession } from '../adapters/gateway-session.js';
import { readManifest } from '../runtime/manifest-store.js';
import { DATA_DIR_OPTION, defaultDataDir, failureShape, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand } from './cli-support.js';

const SUBMIT_USAGE = `speedledger reading submit [--org cityoperator] [--user User1] [--concurrency 8] [--batch 1] [--data-dir DIR] FILE...

Submits signed DLR1 reading files (as "speedledger dataset generate" writes them) to the
network through ORG's gateway peer and waits for each commit: each reading in its own
transaction, or --batch N (1..${MAX_BATCH}) readings per SubmitReadings transaction, judged one by one
(2-3x the throughput; a batch is split further where its files exceed ${MAX_BATCH_BYTES} bytes). Prints one JSON line per file: the committed measurement record (speed
or refusal reason) with its transaction id and block, or the error (code, stage, the
chaincode's own code). Exit 1 if any reading was not committed.`;

const SHOW_USAGE = `speedledger reading show --meter ID --seq N [--org cityoperator] [--data-dir DIR]

Prints the measurement record of one reading (meter id, sequence number) as ORG's peer has it,
with the transaction that recorded it and that transaction's block, as one JSON document in
the shape "reading submit" prints: {"transactionId", "blockNumber", "measurement"}.`;

async function connectAs(dataDir: string, org: string, user: string): Promise<LedgerClient> {
  const manifest = await readManifest(dataDir);
  const found = resolveOrg(manifest, org);
  return connectGateway({
    connectionProfile: connectionProfilePath(manifest.dataDir, found.dir),
    mspId: found.mspId,
    mspDir: identityDir(manifest.dataDir, found.dir, user),
    channel: manifest.channel,
    chaincode: manifest.chaincode.name,
  });
}

function errorLine(file: string, error: unknown): Record<string, unknown> {
  if (error instanceof LedgerError) {
    return { file, error: { code: error.code, stage: error.stage, contractCode: error.contractCode, transactionId: error.transactionId, message: error.message } };
  }
  return { file, error: failureShape(error) };
}

async function submitOne(client: LedgerClient, file: string, write: (line: Record<string, unknown>) => void): Promise<void> {
  try {
    const { transactionId, blockNumber, measurement } = await client.submitReading(await readFile(file));
    write({ file, transactionId, blockNumber: Number(blockNumber), measurement });
  } catch (error) {
    write(errorLine(file, error));
  }
}

/** One SubmitReadings transaction; each reading is judged on its own, so each gets its own line. */
async function submitBatch(client: LedgerClient, files: readonly string[], write: (line: Record<string, unknown>) => void): Promise<void> {
  const readable: { file: string; bytes: Uint8Array }[] = [];
  for (const file of files) {
    try {
      readable.push({ file, bytes: await readFile(file) });
    } catch (error) {
      write(errorLine(file, error));
    }
  }
  // Files of slow passes are large: a chunk of N files may hold more than one transaction carries.
  let offset = 0;
  for (const bytes of splitIntoBatches(readable.map((r) => r.bytes))) {
    const part = readable.slice(offset, offset + bytes.length);
    offset += bytes.length;
    try {
      const { transactionId, blockNumber, results } = await client.submitReadings(bytes);
      for (const result of results) {
        const { file } = part[result.index]!;
        if (result.status === 'recorded') write({ file, transactionId, blockNumber: Number(blockNumber), measurement: result.record });
        else write({ file, error: { code: 'CONTRACT_REJECTED', stage: 'endorse', contractCode: result.code, transactionId, message: result.detail } });
      }
    } catch (error) {
      for (const { file } of part) write(errorLine(file, error));
    }
  }
}

/** `speedledger reading submit`. */
export const readingSubmitCommand: NetworkCliCommand = {
  path: ['reading', 'submit'],
  summary: 'Submit signed DLR1 reading files and wait for their commits',
  usage: SUBMIT_USAGE,
  async run(args, io) {
    const options = {
      ...DATA_DIR_OPTION, org: { type: 'string', default: 'cityoperator' }, user: { type: 'string', default: 'User1' },
      concurrency: { type: 'string', default: '8' }, batch: { type: 'string', default: '1' },
    } as const;
    const parsed = parseOrUsage(args, options, SUBMIT_USAGE, io, true);
    if (parsed === undefined) return 2;
    const files = parsed.positionals;
    const concurrency = Number(parsed.values.concurrency);
    const batch = Number(parsed.values.batch);
    if (files.length === 0) return usageProblem(io, 'at least one reading file is required', SUBMIT_USAGE);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) return usageProblem(io, '--concurrency must be an integer in 1..256', SUBMIT_USAGE);
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) return usageProblem(io, `--batch must be an integer in 1..${MAX_BATCH}`, SUBMIT_USAGE);
    let client: LedgerClient;
    try {
      client = await connectAs(parsed.values['data-dir'] ?? defaultDataDir(), parsed.values.org!, parsed.values.user!);
    } catch (error) {
      return reportFailure(io, 'reading submit', error);
    }
    let failed = 0;
    const write = (line: Record<string, unknown>): void => {
      if ('error' in line) failed += 1;
      io.stdout.write(`${JSON.stringify(line)}\n`);
    };
    const chunks: string[][] = [];
    for (let i = 0; i < files.length; i += batch) chunks.push(files.slice(i, i + batch));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        if (batch === 1) await submitOne(client, chunk[0]!, write);
        else await submitBatch(client, chunk, write);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
    } finally {
      await client.close();
    }
    io.stderr.write(`${files.length - failed} of ${files.length} readings committed\n`);
    return failed === 0 ? 0 : 1;
  },
};

/** `speedledger reading show`. */
export const readingShowCommand: NetworkCliCommand = {
  path: ['reading', 'show'],
  summary: "Show one reading's measurement record",
  usage: SHOW_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, meter: { type: 'string' }, seq: { type: 'string' }, org: { type: 'string', default: 'cityoperator' } }, SHOW_USAGE, io);
    if (parsed === undefined) return 2;
    const { meter, seq } = parsed.values;
    if (meter === undefined || seq === undefined || !/^\d+$/.test(seq)) return usageProblem(io, '--meter and a decimal --seq are required', SHOW_USAGE);
    try {
      const dataDir = parsed.values['data-dir'] ?? defaultDataDir();
      const client = await connectAs(dataDir, parsed.values.org!, 'User1');
      let measurement;
      try {
        measurement = await client.getMeasurement(meter, seq);
      } finally {
        await client.close();
      }
      // The record names its transaction; the Gateway's CommitStatus gives that transaction's block.
      const session = await openGatewaySession(await readManifest(dataDir), parsed.values.org!, 'User1');
      try {
        const { blockNumber } = await session.commitStatus(measurement.txId);
        io.stdout.write(`${JSON.stringify({ transactionId: measurement.txId, blockNumber, measurement })}\n`);
      } finally {
        session.close();
      }
      return 0;
    } catch (error) {
      return reportFailure(io, 'reading show', error);
    }
  },
};
