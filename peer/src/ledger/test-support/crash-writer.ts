/*
 * Child process of the crash test: commits workload blocks from the ledger's height on, as
 * fast as it can, printing each committed height, until it is killed.
 */
import { PeerLedger } from '../adapters/peer-ledger.js';
import { workloadBlocks } from './workload.js';

const [dir, seed, count] = process.argv.slice(2);
const ledger = await PeerLedger.open(dir!, { channelId: 'speedledger' });
for (const { block, validation } of workloadBlocks(Number(seed), Number(count))) {
  if (Number(block.getHeader()!.getNumber()) < ledger.height()) continue;
  await ledger.commit(block, validation);
  process.stdout.write(`committed ${ledger.height()}\n`);
}
await ledger.close();
process.stdout.write('done\n');
