import { writeFile } from 'node:fs/promises';
import { channelInfo, fetchBlock, parseBlockSelector } from '../runtime/ledger-queries.js';
import { readManifest } from '../runtime/manifest-store.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand } from './cli-support.js';

// Fabric's `peer channel getinfo` and `peer channel fetch`, over the peers' qscc: same names,
// same text, same block files, so an operator's scripts and block tools carry over.

const COMMON = { ...DATA_DIR_OPTION, org: { type: 'string', default: 'inmetro' }, json: { type: 'boolean', default: false } } as const;

const GETINFO_USAGE = `speedledger channel getinfo [--org inmetro] [--data-dir DIR] [--json]

Prints the channel's height and current and previous block hashes as ORG's peer holds them
(qscc GetChainInfo, as ORG's User1), in Fabric's form: Blockchain info: {"height":N,
"currentBlockHash":"<base64>","previousBlockHash":"<base64>"}. --json: {channel, height,
currentBlockHash, previousBlockHash} with hex hashes.`;

/** `speedledger channel getinfo`. */
export const channelGetInfoCommand: NetworkCliCommand = {
  path: ['channel', 'getinfo'],
  summary: "Show the channel's height and block hashes on an organisation's peer",
  usage: GETINFO_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, COMMON, GETINFO_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const info = await channelInfo(await readManifest(parsed.values['data-dir'] ?? defaultDataDir()), parsed.values.org!);
      if (parsed.values.json === true) {
        io.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      } else {
        const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
        io.stdout.write(`Blockchain info: ${JSON.stringify({ height: info.height, currentBlockHash: b64(info.currentBlockHash), previousBlockHash: b64(info.previousBlockHash) })}\n`);
      }
      return 0;
    } catch (error) {
      return reportFailure(io, 'channel getinfo', error, parsed.values.json === true);
    }
  },
};

const FETCH_USAGE = `speedledger channel fetch <newest|oldest|config|N> [FILE] [--org inmetro] [--data-dir DIR] [--json]

Writes one block, as the common.Block protobuf bytes, to FILE (default <channel>_<which>.block),
fetched from ORG's peer with qscc GetBlockByNumber (as ORG's User1); prints "Received block: N".
config is block 0, the channel's only config block. --json: {block, file, bytes}.`;

/** `speedledger channel fetch`. */
export const channelFetchCommand: NetworkCliCommand = {
  path: ['channel', 'fetch'],
  summary: 'Write a block of the channel to a file',
  usage: FETCH_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, COMMON, FETCH_USAGE, io, true);
    if (parsed === undefined) return 2;
    const [which, file, ...extra] = parsed.positionals;
    if (which === undefined || extra.length > 0) return usageProblem(io, 'give the block (newest, oldest, config or a number) and at most one FILE', FETCH_USAGE);
    const selector = parseBlockSelector(which);
    if (selector === undefined) return usageProblem(io, `${JSON.stringify(which)} is not newest, oldest, config or a block number`, FETCH_USAGE);
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const block = await fetchBlock(manifest, parsed.values.org!, selector);
      const out = file ?? `${manifest.channel}_${which}.block`;
      await writeFile(out, block.bytes);
      io.stdout.write(parsed.values.json === true ? `${JSON.stringify({ block: block.number, file: out, bytes: block.bytes.byteLength })}\n` : `Received block: ${block.number}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'channel fetch', error, parsed.values.json === true);
    }
  },
};
