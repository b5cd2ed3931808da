#!/usr/bin/env node
/**
 * Stand-alone entry for the peer commands (`node peer/dist/cli/main.js peer start --config F`),
 * used to spawn peer processes without the whole speedledger CLI.
 */
import { commands } from './index.js';

const args = process.argv.slice(2);
const command = commands.find((c) => c.path.every((word, i) => args[i] === word));
if (command === undefined) {
  process.stderr.write(`usage:\n${commands.map((c) => `  ${c.path.join(' ')}  ${c.summary}`).join('\n')}\n`);
  process.exitCode = 2;
} else {
  // Exit explicitly: a stopped peer must not linger on half-closed sockets.
  process.exit(await command.run(args.slice(command.path.length), { stdout: process.stdout, stderr: process.stderr }));
}
