import { parseArgs, type ParseArgsConfig } from 'node:util';

import { NetworkError } from '../errors/network-error.js';

/** Where a command writes (structurally the `speedledger` CLI's io). */
export interface NetworkCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** One `speedledger` subcommand (structural `CliCommand` of the cli package). */
export interface NetworkCliCommand {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: NetworkCliIo): Promise<number>;
}

/** Default data directory: `$SPEEDLEDGER_DATA_DIR`, else `./speedledger-network`. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.SPEEDLEDGER_DATA_DIR ?? 'speedledger-network';
}

/** The `--data-dir` option every network command takes. */
export const DATA_DIR_OPTION = { 'data-dir': { type: 'string' } } as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: boolean }>>;

/** Strict `parseArgs`; on bad usage writes the message and usage and returns undefined (exit 2). */
export function parseOrUsage<O extends Options>(args: string[], options: O, usage: string, io: NetworkCliIo, allowPositionals = false): Parsed<O> | undefined {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return undefined;
  }
}

/** Writes a failure as `<code>: <message>` and returns exit code 1. */
export function reportFailure(io: NetworkCliIo, what: string, error: unknown): number {
  const e = error as Error & { code?: string };
  const code = error instanceof NetworkError || typeof e.code === 'string' ? `${e.code}: ` : '';
  io.stderr.write(`${what} failed: ${code}${e.message}\n`);
  return 1;
}

/** Writes a usage problem and returns exit code 2. */
export function usageProblem(io: NetworkCliIo, problem: string, usage: string): number {
  io.stderr.write(`${problem}\n${usage}\n`);
  return 2;
}
