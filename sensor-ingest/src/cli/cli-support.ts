import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes (structurally the `speedledger` CLI's `CliIo`). */
export interface IngestCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** One `speedledger` subcommand (structurally the cli package's `CliCommand`). */
export interface IngestCliCommand {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: IngestCliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>;

/** Strict `parseArgs`; on bad usage writes the message and usage and returns undefined (exit 2). */
export function parseOrUsage<O extends Options>(args: string[], options: O, usage: string, io: IngestCliIo): Parsed<O> | undefined {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return undefined;
  }
}

/** Writes a usage problem and returns exit code 2. */
export function usageProblem(io: IngestCliIo, problem: string, usage: string): number {
  io.stderr.write(`${problem}\n${usage}\n`);
  return 2;
}

/** Writes a failure as `<what> failed: <code>: <message>` and returns exit code 1. */
export function reportFailure(io: IngestCliIo, what: string, error: unknown): number {
  const e = error as Error & { code?: unknown };
  io.stderr.write(`${what} failed: ${typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}\n`);
  return 1;
}

/** A positive integer option, or undefined when it is not one. */
export function positiveInt(text: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= max ? n : undefined;
}

/** The operator API key: `--api-key`, else `$SPEEDLEDGER_INGEST_KEY`. */
export function apiKeyOf(option: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  return option ?? env.SPEEDLEDGER_INGEST_KEY;
}
