/** Where a command writes (structurally the `speedledger` CLI's io). */
export interface AnalyticsCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** One `speedledger` subcommand (structural `CliCommand` of the cli package). */
export interface AnalyticsCliCommand {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: AnalyticsCliIo): Promise<number>;
}
