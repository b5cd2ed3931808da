import { parseArgs, type ParseArgsConfig } from 'node:util';


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

/** The one shape every failure of a network command is reported in. */
export interface FailureShape {
  /** Stable code (NetworkError / LedgerError codes; `FAILED` for an untyped error). */
  readonly code: string;
  /** Where it failed: the ledger stage of a LedgerError, else the command's phase. */
  readonly stage: string;
  readonly message: string;
}

const STAGE_OF_CODE: Readonly<Record<string, string>> = {
  INVALID_OPTIONS: 'preflight', OPTION_NOT_APPLICABLE: 'preflight', PORTS_BUSY: 'preflight', MATERIAL_FAILED: 'generate',
  MANIFEST_MISSING: 'manifest', MANIFEST_INVALID: 'manifest', UNKNOWN_MEMBER: 'input', UNKNOWN_ORG: 'input', UNKNOWN_IDENTITY: 'input',
  FLEET_INVALID: 'input', PACKAGE_MISSING: 'package', PACKAGE_INVALID: 'package', PROCESS_FAILED: 'start', NOT_HEALTHY: 'start',
  NOT_OURS: 'start', DEPLOY_FAILED: 'deploy', GATEWAY_FAILED: 'gateway', PURGE_REFUSED: 'purge',
};

/**
 * `{code, stage, message}` of any failure, with the code said once: a message that starts with
 * its own code (`NOT_FOUND: NOT_FOUND: …`) loses the repetition. Pure.
 */
export function failureShape(error: unknown): FailureShape {
  const e = (error instanceof Error ? error : new Error(String(error))) as Error & { code?: unknown; stage?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? e.code : 'FAILED';
  const stage = typeof e.stage === 'string' ? e.stage : (STAGE_OF_CODE[code] ?? 'command');
  let message = e.message;
  while (message.startsWith(`${code}: `)) message = message.slice(code.length + 2);
  return { code, stage, message };
}

/**
 * Writes a failure and returns exit code 1: with `json`, one line `{"error": {code, stage,
 * message}}` on stderr; else one line `<what> failed: <CODE>: <first line of the message>`,
 * followed (indented) by the rest of a multi-line message — the busy ports, a member's log tail.
 */
export function reportFailure(io: NetworkCliIo, what: string, error: unknown, json = false): number {
  const shape = failureShape(error);
  if (json) {
    io.stderr.write(`${JSON.stringify({ error: shape })}\n`);
    return 1;
  }
  const [first, ...rest] = shape.message.split('\n');
  io.stderr.write(`${what} failed: ${shape.code}: ${first}\n${rest.filter((l) => l.trim() !== '').map((l) => `    ${l.trimStart()}\n`).join('')}`);
  return 1;
}

/** Writes a usage problem and returns exit code 2. */
export function usageProblem(io: NetworkCliIo, problem: string, usage: string): number {
  io.stderr.write(`${problem}\n${usage}\n`);
  return 2;
}
