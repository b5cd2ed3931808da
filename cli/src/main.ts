import type { CliCommand, CliIo } from './command.js';
import { allCommands } from './registry.js';

function helpText(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  speedledger ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return ['Usage: speedledger <command> [options]', '', 'Commands:', ...lines, '', 'Run `speedledger <command> --help` for its options.', ''].join('\n');
}

/** Finds the command whose path is the longest prefix of `argv`. */
function match(commands: readonly CliCommand[], argv: readonly string[]): CliCommand | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const fits = command.path.every((word, i) => argv[i] === word);
    if (fits && (!best || command.path.length > best.path.length)) best = command;
  }
  return best;
}

/**
 * Runs the `speedledger` command line; resolves to the process exit code.
 * 0 success, 1 failure while running, 2 bad usage (unknown command or options).
 */
export async function main(argv: string[], io: CliIo, commands: readonly CliCommand[] = allCommands()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const command = match(commands, argv);
  if (!command) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    io.stderr.write(`speedledger: unknown command '${argv.join(' ')}'\n\n${helpText(group.length > 0 ? group : commands)}`);
    return 2;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`speedledger ${command.path.join(' ')}: ${(error as Error).message}\n`);
    return 1;
  }
}
