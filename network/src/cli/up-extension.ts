import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ExtraServicesProvider } from '../runtime/extra-services.js';
import type { NetworkCliCommand } from './cli-support.js';
import { upCommand } from './lifecycle-commands.js';

/**
 * What a composer (the cli package) adds to `speedledger up`: its own options, their usage
 * text, and the extra services they ask for. Keeps the network package free of any dependency
 * on the packages whose processes it starts.
 */
export interface UpExtension {
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Appended to `up --help`. */
  readonly usage: string;
  /** Checks the extension's option values: a usage problem (exit 2), or undefined. */
  check?(values: Readonly<Record<string, unknown>>): string | undefined;
  /** The services this `up` starts, from the extension's option values. */
  services(values: Readonly<Record<string, unknown>>): ExtraServicesProvider;
  /** Lines printed after the network's summary (where the API, its key, the dashboard are). */
  summary?(): readonly string[];
}

/** Splits `args` into the extension's option values and the rest (for the network's own `up`). */
function splitArgs(args: readonly string[], options: UpExtension['options']): { values: Record<string, unknown>; rest: string[] } {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  const values: Record<string, unknown> = {};
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in options)) continue;
    taken.add(token.index);
    if (options[token.name]!.type === 'string' && token.inlineValue !== true && token.value !== undefined) taken.add(token.index + 1);
    values[token.name] = token.value ?? true;
  }
  for (const [name, option] of Object.entries(options)) if (values[name] === undefined && option.default !== undefined) values[name] = option.default;
  return { values, rest: args.filter((_, i) => !taken.has(i)) };
}

/** `speedledger up` with a composer's options and services on top of the network's own. */
export function createUpCommand(extension: UpExtension): NetworkCliCommand {
  const usage = `${upCommand.usage}\n\n${extension.usage}`;
  return {
    path: upCommand.path,
    summary: upCommand.summary,
    usage,
    async run(args, io) {
      const { values, rest } = splitArgs(args, extension.options);
      for (const [name, option] of Object.entries(extension.options)) {
        if (option.type === 'string' && values[name] === true) {
          io.stderr.write(`option --${name} needs a value\n${usage}\n`);
          return 2;
        }
      }
      const problem = extension.check?.(values);
      if (problem !== undefined) {
        io.stderr.write(`${problem}\n${usage}\n`);
        return 2;
      }
      const code = await upCommand.run(rest, io, extension.services(values));
      const extra = code === 0 ? extension.summary?.() ?? [] : [];
      if (extra.length > 0) io.stdout.write(`${extra.join('\n')}\n`);
      return code;
    },
  };
}
