/** Where a command writes. Injected so commands run in tests without a process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * One `speedledger` subcommand. Packages export arrays of these from their `./cli` entry;
 * the shape is structural, so a package needs no dependency on this one to provide commands.
 */
export interface CliCommand {
  /** Words after `speedledger`, e.g. `['dataset', 'generate']`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Full usage text shown by `--help`. */
  readonly usage: string;
  /** Runs with the arguments after the path; resolves to the exit code (0 ok, 2 bad usage). */
  run(args: string[], io: CliIo): Promise<number>;
}
