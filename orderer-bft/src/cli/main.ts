#!/usr/bin/env node
/**
 * Stand-alone entry for this package's commands (`node dist/cli/main.js orderer start --config F`),
 * used to spawn replica processes without the whole speedledger CLI.
 */
import { commands } from './index.js';

const args = process.argv.slice(2);
const command = commands.find((c) => c.path.every((word, i) => args[i] === word));
if (command === undefined) {
  process.stderr.write(`usage:\n${commands.map((c) => `  ${c.path.join(' ')}  ${c.summary}`).join('\n')}\n`);
  process.exitCode = 2;
} else {
  // Exit explicitly: a stopped replica must not linger on a half-closed socket.
  process.exit(await command.run(args.slice(command.path.length), { stdout: process.stdout, stderr: process.stderr }));
}
