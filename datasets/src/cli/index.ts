/** `speedledger dataset …` subcommands. */
export const commands = [];
