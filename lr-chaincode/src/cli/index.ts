/** `speedledger measure` and the other auditor subcommands. */
export const commands = [];
