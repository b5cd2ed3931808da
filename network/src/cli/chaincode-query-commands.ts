import { commitReadiness } from '../runtime/chaincode-lifecycle.js';
import { queryApproved, queryCommitted, queryInstalled } from '../runtime/lifecycle-queries.js';
import { readManifest } from '../runtime/manifest-store.js';
import { parsePackageId } from '../runtime/package-check.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand, type NetworkCliIo } from './cli-support.js';

// The read side of Fabric's `peer lifecycle chaincode`: same names, same fields, same text
// layout, so an operator's habits and scripts carry over; --json prints the peer's answer.

const COMMON = { ...DATA_DIR_OPTION, org: { type: 'string', default: 'inmetro' }, json: { type: 'boolean', default: false } } as const;

function writeOut(io: NetworkCliIo, json: boolean, value: unknown, text: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

const INSTALLED_USAGE = `speedledger chaincode queryinstalled [--org inmetro] [--data-dir DIR] [--json]

Lists the chaincode packages installed on ORG's peer (_lifecycle QueryInstalledChaincodes, as
ORG's admin), one line each as Fabric prints them: "Package ID: LABEL:SHA256, Label: LABEL",
followed by the committed definitions that use it.`;

/** `speedledger chaincode queryinstalled`. */
export const chaincodeQueryInstalledCommand: NetworkCliCommand = {
  path: ['chaincode', 'queryinstalled'],
  summary: "List the chaincode packages installed on an organisation's peer",
  usage: INSTALLED_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, COMMON, INSTALLED_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const installed = await queryInstalled(await readManifest(parsed.values['data-dir'] ?? defaultDataDir()), parsed.values.org!);
      writeOut(io, parsed.values.json === true, { installedChaincodes: installed }, () => ['Installed chaincodes on peer:', ...installed.map((p) => {
        const used = p.references.map((r) => `${r.name} ${r.version} sequence ${r.sequence}`).join('; ');
        return `Package ID: ${p.packageId}, Label: ${p.label}${used === '' ? '' : `, Used by: ${used}`}`;
      })].join('\n') + '\n');
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode queryinstalled', error, parsed.values.json === true);
    }
  },
};

const APPROVED_USAGE = `speedledger chaincode queryapproved --name NAME [--sequence N] [--org inmetro] [--data-dir DIR] [--json]

Prints the definition ORG approved for chaincode NAME (at sequence N; default its latest
approval) (_lifecycle QueryApprovedChaincodeDefinition): sequence, version, package id
(LABEL:SHA256 when ORG's peer holds that package, else the SHA-256 and "unavailable") and policy.`;

/** `speedledger chaincode queryapproved`. */
export const chaincodeQueryApprovedCommand: NetworkCliCommand = {
  path: ['chaincode', 'queryapproved'],
  summary: "Show an organisation's approved chaincode definition",
  usage: APPROVED_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...COMMON, name: { type: 'string' }, sequence: { type: 'string' } }, APPROVED_USAGE, io);
    if (parsed === undefined) return 2;
    const { name } = parsed.values;
    const sequence = parsed.values.sequence === undefined ? undefined : Number(parsed.values.sequence);
    if (name === undefined) return usageProblem(io, '--name is required', APPROVED_USAGE);
    if (sequence !== undefined && !(Number.isSafeInteger(sequence) && sequence >= 1)) return usageProblem(io, '--sequence must be an integer ≥ 1', APPROVED_USAGE);
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const d = await queryApproved(manifest, parsed.values.org!, name, sequence);
      writeOut(io, parsed.values.json === true, d, () => {
        const source = d.source.packageId ?? `unavailable (sha256 ${d.packageSha256} not installed on this peer)`;
        return `Approved chaincode definition for chaincode '${d.name}' on channel '${manifest.channel}' by ${d.approvedBy}:\n`
          + `sequence: ${d.sequence}, version: ${d.version}, package-id: ${source}, endorsement policy: ${d.endorsementPolicy}\n`;
      });
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode queryapproved', error, parsed.values.json === true);
    }
  },
};

const READINESS_USAGE = `speedledger chaincode checkcommitreadiness --name NAME --version V --sequence N (--package-id LABEL:SHA256 | --sha256 HEX) [--policy DSL] [--org inmetro] [--data-dir DIR] [--json]

Prints, per organisation, whether it approved exactly this definition
(_lifecycle CheckCommitReadiness), as Fabric does: one "MSPID: true|false" line each.
--policy defaults to the network's endorsement policy.`;

/** `speedledger chaincode checkcommitreadiness`. */
export const chaincodeCheckCommitReadinessCommand: NetworkCliCommand = {
  path: ['chaincode', 'checkcommitreadiness'],
  summary: 'Which organisations approved a chaincode definition',
  usage: READINESS_USAGE,
  async run(args, io) {
    const options = { ...COMMON, name: { type: 'string' }, version: { type: 'string' }, sequence: { type: 'string' }, 'package-id': { type: 'string' }, sha256: { type: 'string' }, policy: { type: 'string' } } as const;
    const parsed = parseOrUsage(args, options, READINESS_USAGE, io);
    if (parsed === undefined) return 2;
    const v = parsed.values;
    const sequence = Number(v.sequence);
    const packageSha256 = v.sha256 ?? (v['package-id'] === undefined ? undefined : parsePackageId(v['package-id'])?.sha256);
    if (v.name === undefined || v.version === undefined || !(Number.isSafeInteger(sequence) && sequence >= 1)) {
      return usageProblem(io, '--name, --version and an integer --sequence ≥ 1 are required', READINESS_USAGE);
    }
    if (packageSha256 === undefined || !/^[0-9a-f]{64}$/.test(packageSha256)) return usageProblem(io, 'give --package-id LABEL:SHA256 or --sha256 (64 lower-case hex digits)', READINESS_USAGE);
    try {
      const manifest = await readManifest(v['data-dir'] ?? defaultDataDir());
      const definition = { name: v.name, version: v.version, sequence, packageSha256, endorsementPolicy: v.policy ?? manifest.chaincode.endorsementPolicy };
      const approvals = await commitReadiness(manifest, v.org!, definition);
      writeOut(io, v.json === true, { approvals }, () => [
        `Chaincode definition for chaincode '${v.name}', version '${v.version}', sequence '${sequence}' on channel '${manifest.channel}' approval status by org:`,
        ...Object.entries(approvals).map(([mspId, approved]) => `${mspId}: ${approved}`),
      ].join('\n') + '\n');
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode checkcommitreadiness', error, v.json === true);
    }
  },
};

const COMMITTED_USAGE = `speedledger chaincode querycommitted [--name NAME] [--org inmetro] [--data-dir DIR] [--json]

Prints the committed chaincode definitions of the channel (_lifecycle QueryChaincodeDefinition
with --name, with which organisations' approvals match it; else QueryChaincodeDefinitions), as
Fabric does: "Name: N, Version: V, Sequence: S, ..." per definition.`;

/** `speedledger chaincode querycommitted`. */
export const chaincodeQueryCommittedCommand: NetworkCliCommand = {
  path: ['chaincode', 'querycommitted'],
  summary: 'Show committed chaincode definitions',
  usage: COMMITTED_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...COMMON, name: { type: 'string' } }, COMMITTED_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const definitions = await queryCommitted(manifest, parsed.values.org!, parsed.values.name);
      writeOut(io, parsed.values.json === true, { definitions }, () => [
        parsed.values.name === undefined ? `Committed chaincode definitions on channel '${manifest.channel}':` : `Committed chaincode definition for chaincode '${parsed.values.name}' on channel '${manifest.channel}':`,
        ...definitions.map((d) => {
          const approvals = d.approvals === undefined ? '' : `, Approvals: [${Object.entries(d.approvals).map(([m, a]) => `${m}: ${a}`).join(', ')}]`;
          return `Name: ${d.name}, Version: ${d.version}, Sequence: ${d.sequence}, Package SHA-256: ${d.packageSha256}, Endorsement Policy: ${d.endorsementPolicy}${approvals}`;
        }),
      ].join('\n') + '\n');
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode querycommitted', error, parsed.values.json === true);
    }
  },
};
