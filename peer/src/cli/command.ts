/** Where a command writes (structurally the speedledger CLI's `CliIo`). */
export interface PeerCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** One `speedledger peer …` subcommand (structurally the speedledger CLI's `CliCommand`). */
export interface PeerCliCommand {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: PeerCliIo): Promise<number>;
}
