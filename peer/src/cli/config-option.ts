import { parseArgs } from 'node:util';
import type { PeerCliIo } from './command.js';

/** Parses `--config FILE` (the only option of the peer commands); undefined after printing usage. */
export function configOption(args: string[], io: PeerCliIo, usage: string): string | undefined {
  let config: string | undefined;
  try {
    ({ values: { config } } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return undefined;
  }
  if (config === undefined) io.stderr.write(`--config is required\n${usage}\n`);
  return config;
}

/** One line for a failed command: the stable code, the message and the cause's message. */
export function failureLine(what: string, error: unknown): string {
  const e = error as Error & { code?: string };
  return `${what} failed: ${e.code ?? 'ERROR'}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}\n`;
}
