import { createRequire } from 'node:module';
import type { CliCommand, CliIo } from './command.js';
import { closestCommands } from './closest-command.js';

function helpText(commands: readonly CliCommand[], group?: string): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  speedledger ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  const usage = group === undefined ? 'Usage: speedledger <command> [options]' : `Usage: speedledger ${group} <command> [options]`;
  return [usage, '', 'Commands:', ...lines, '', 'Run `speedledger <command> --help` for its options.', ''].join('\n');
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

function versionText(): string {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  return `speedledger ${version} (node ${process.version})\n`;
}

function unknownCommand(argv: readonly string[], commands: readonly CliCommand[]): string {
  const group = commands.filter((c) => c.path[0] === argv[0]);
  const near = closestCommands(argv, commands.map((c) => c.path)).slice(0, 3);
  const hint = near.length === 0 ? '' : `Did you mean ${near.map((n) => `'speedledger ${n}'`).join(' or ')}?\n`;
  return `speedledger: unknown command '${argv.join(' ')}'\n${hint}\n${helpText(group.length > 0 ? group : commands, group.length > 0 ? argv[0] : undefined)}`;
}

/**
 * Runs the `speedledger` command line; resolves to the process exit code.
 * 0 success, 1 failure while running, 2 bad usage (unknown command or options).
 * Without `commands`, every package's commands are loaded — only after `--version` had its chance,
 * so that answer does not wait for every package to load.
 */
export async function main(argv: string[], io: CliIo, commands?: readonly CliCommand[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version')) {
    io.stdout.write(versionText());
    return 0;
  }
  const known = commands ?? (await import('./registry.js')).allCommands();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText(known));
    return argv.length === 0 ? 2 : 0;
  }
  const command = match(known, argv);
  if (!command) {
    // `speedledger meter` (or `meter --help`): the group's own command list, as a request for help.
    const group = known.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0 && (argv.length === 1 || (argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h')))) {
      io.stdout.write(helpText(group, argv[0]));
      return 0;
    }
    io.stderr.write(unknownCommand(argv, known));
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
