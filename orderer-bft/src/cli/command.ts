/** Structural copy of the `speedledger` CLI's command shape (see cli/src/command.ts). */
export interface OrdererCliCommand {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } }): Promise<number>;
}
