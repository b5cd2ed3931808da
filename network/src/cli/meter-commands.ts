import { readManifest } from '../runtime/manifest-store.js';
import { readFleet, registerFleet, revokeMeter, showMeter } from '../runtime/meter-registry.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand } from './cli-support.js';

const REGISTER_USAGE = `speedledger meter register --fleet fleet.json [--org inmetro] [--data-dir DIR] [--json]

Registers every meter of a fleet file (speedledger-fleet/1, as "speedledger dataset generate"
writes it) as ORG's registrar (ORG must be a notified body: inmetro or ptb). One line per meter,
in fleet order: "ID registered", "ID already-registered" (the ledger holds the same key and
site), "ID conflict: …" (the ledger holds this id with another key or site, or revoked: its
readings would be refused) or "ID failed: …"; then a summary by outcome. --json: one JSON line per meter
({"meterId", "outcome", "detail"?}) then {"summary": {"meters", "registered", "already-registered",
"conflict", "failed"}}. Exit 1 on any conflict or failure.`;

/** `speedledger meter register`. */
export const meterRegisterCommand: NetworkCliCommand = {
  path: ['meter', 'register'],
  summary: 'Register a fleet of meters (notified-body registrar)',
  usage: REGISTER_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, fleet: { type: 'string' }, org: { type: 'string', default: 'inmetro' }, json: { type: 'boolean', default: false } }, REGISTER_USAGE, io);
    if (parsed === undefined) return 2;
    if (parsed.values.fleet === undefined) return usageProblem(io, '--fleet is required', REGISTER_USAGE);
    try {
      const fleet = await readFleet(parsed.values.fleet);
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const results = await registerFleet(manifest, parsed.values.org!, fleet);
      const json = parsed.values.json === true;
      for (const r of results) io.stdout.write(json ? `${JSON.stringify(r)}\n` : `${r.meterId} ${r.outcome}${r.detail === undefined ? '' : `: ${r.detail}`}\n`);
      const count = (outcome: string): number => results.filter((r) => r.outcome === outcome).length;
      const agreeing = count('registered') + count('already-registered');
      if (json) {
        const summary = { meters: results.length, registered: count('registered'), 'already-registered': count('already-registered'), conflict: count('conflict'), failed: count('failed') };
        io.stdout.write(`${JSON.stringify({ summary })}\n`);
      } else {
        io.stdout.write(`${agreeing} of ${results.length} meters on the ledger as in the fleet (registered ${count('registered')}, `
          + `already-registered ${count('already-registered')}, conflict ${count('conflict')}, failed ${count('failed')})\n`);
      }
      return agreeing === results.length ? 0 : 1;
    } catch (error) {
      return reportFailure(io, 'meter register', error, parsed.values.json === true);
    }
  },
};

const REVOKE_USAGE = `speedledger meter revoke --meter ID --reason TEXT [--org inmetro] [--data-dir DIR]

Revokes a meter for good as ORG's registrar; its readings are refused from then on.`;

/** `speedledger meter revoke`. */
export const meterRevokeCommand: NetworkCliCommand = {
  path: ['meter', 'revoke'],
  summary: 'Revoke a meter (notified-body registrar)',
  usage: REVOKE_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, meter: { type: 'string' }, reason: { type: 'string' }, org: { type: 'string', default: 'inmetro' } }, REVOKE_USAGE, io);
    if (parsed === undefined) return 2;
    const { meter, reason } = parsed.values;
    if (meter === undefined || reason === undefined || reason.trim() === '') return usageProblem(io, '--meter and a non-empty --reason are required', REVOKE_USAGE);
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      io.stdout.write(`${await revokeMeter(manifest, parsed.values.org!, meter, reason)}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'meter revoke', error);
    }
  },
};

const SHOW_USAGE = `speedledger meter show --meter ID [--org inmetro] [--data-dir DIR]

Prints a meter's ledger record (key, site, status) as ORG's peer has it.`;

/** `speedledger meter show`. */
export const meterShowCommand: NetworkCliCommand = {
  path: ['meter', 'show'],
  summary: "Show a meter's registry record",
  usage: SHOW_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, meter: { type: 'string' }, org: { type: 'string', default: 'inmetro' } }, SHOW_USAGE, io);
    if (parsed === undefined) return 2;
    if (parsed.values.meter === undefined) return usageProblem(io, '--meter is required', SHOW_USAGE);
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      io.stdout.write(`${await showMeter(manifest, parsed.values.org!, parsed.values.meter)}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'meter show', error);
    }
  },
};
