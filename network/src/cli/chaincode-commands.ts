import {
  approveDefinition, commitDefinition, installPackage, listDefinitions, packageFingerprint, type ChaincodeDefinitionInput,
} from '../runtime/chaincode-lifecycle.js';
import { readManifest } from '../runtime/manifest-store.js';
import { checkChaincodePackage, parsePackageId } from '../runtime/package-check.js';
import { defaultPackageFile } from '../runtime/up-network.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { DATA_DIR_OPTION, defaultDataDir, parseOrUsage, reportFailure, usageProblem, type NetworkCliCommand, type NetworkCliIo } from './cli-support.js';

const DEFINITION_OPTIONS = {
  ...DATA_DIR_OPTION, org: { type: 'string' }, package: { type: 'string' }, 'package-id': { type: 'string' }, sha256: { type: 'string' }, name: { type: 'string' },
  version: { type: 'string' }, sequence: { type: 'string' }, policy: { type: 'string' },
} as const;

const DEFINITION_HELP = `  --org ORG        organisation whose Admin acts (inmetro, ptb, lasige, cityoperator)
  --package FILE   chaincode package whose SHA-256 is approved (refused unless it is a Fabric chaincode
                   package: metadata.json with type and label, and code.tar.gz); or --package-id
                   LABEL:SHA256 (as queryinstalled prints it) or --sha256 HEX; default: the deployed one
  --name, --version, --sequence, --policy   definition fields (default: the deployed definition)`;

const APPROVE_USAGE = `speedledger chaincode approve --org ORG [--data-dir DIR] [definition options]

Approves a chaincode definition for ORG (_lifecycle ApproveChaincodeDefinitionForMyOrg, as ORG's
admin, endorsed by ORG's peer); with --package, first installs the package on ORG's peer. A new
package needs a new --sequence and --version. Returns once every peer has committed the approval
(PROPAGATION_TIMEOUT, naming the peers behind, after 60 s).
${DEFINITION_HELP}`;

const COMMIT_USAGE = `speedledger chaincode commit --org ORG [--data-dir DIR] [definition options]

Commits an approved definition (_lifecycle CommitChaincodeDefinition, endorsed by every
organisation's peer); refused unless Inmetro and a majority of the organisations approved it.
Returns once every peer has the new definition (PROPAGATION_TIMEOUT, naming the peers behind,
after 60 s): transactions endorsed under the old one then fail MVCC_READ_CONFLICT and are
resubmitted by their clients.
${DEFINITION_HELP}`;

type DefinitionValues = { [K in keyof typeof DEFINITION_OPTIONS]?: string };

async function definitionFrom(values: DefinitionValues, manifest: NetworkManifest): Promise<ChaincodeDefinitionInput | string> {
  const cc = manifest.chaincode;
  const sequence = values.sequence === undefined ? cc.sequence : Number(values.sequence);
  if (!Number.isSafeInteger(sequence) || sequence < 1) return '--sequence must be an integer ≥ 1';
  if (values.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(values.sha256)) return '--sha256 must be 64 lower-case hex digits';
  const fromId = values['package-id'] === undefined ? undefined : parsePackageId(values['package-id']);
  if (values['package-id'] !== undefined && fromId === undefined) return '--package-id must be LABEL:SHA256 (64 lower-case hex digits), as queryinstalled prints it';
  if ([values.sha256, values.package, values['package-id']].filter((v) => v !== undefined).length > 1) return 'give one of --package, --package-id and --sha256';
  const packageSha256 = values.sha256 ?? fromId?.sha256 ?? (values.package !== undefined ? await packageFingerprint(values.package) : cc.packageSha256);
  if (packageSha256 === undefined) return 'no deployed fingerprint yet: give --package or --sha256';
  return { name: values.name ?? cc.name, version: values.version ?? cc.version, sequence, packageSha256, endorsementPolicy: values.policy ?? cc.endorsementPolicy };
}

function definitionCommand(path: string[], summary: string, usage: string, act: typeof approveDefinition, install: boolean): NetworkCliCommand {
  return {
    path, summary, usage,
    async run(args: string[], io: NetworkCliIo) {
      const parsed = parseOrUsage(args, DEFINITION_OPTIONS, usage, io);
      if (parsed === undefined) return 2;
      const values = parsed.values as DefinitionValues;
      if (values.org === undefined) return usageProblem(io, '--org is required', usage);
      try {
        const manifest = await readManifest(values['data-dir'] ?? defaultDataDir());
        const definition = await definitionFrom(values, manifest);
        if (typeof definition === 'string') return usageProblem(io, definition, usage);
        // Approving a package installs it on the organisation's own peer first, as Fabric's install-then-approve.
        if (install && values.package !== undefined) {
          for (const file of await installPackage(manifest, values.package, values.org)) io.stderr.write(`installed ${file}\n`);
        }
        const onCommitted = (block: number): void => void io.stderr.write(`${path.join(' ')}: committed in block ${block}; every peer has it\n`);
        io.stdout.write(`${await act(manifest, values.org, definition, { onCommitted })}\n`);
        return 0;
      } catch (error) {
        return reportFailure(io, path.join(' '), error);
      }
    },
  };
}

/** `speedledger chaincode approve`. */
export const chaincodeApproveCommand = definitionCommand(['chaincode', 'approve'], 'Approve a chaincode definition for one organisation', APPROVE_USAGE, approveDefinition, true);
/** `speedledger chaincode commit`. */
export const chaincodeCommitCommand = definitionCommand(['chaincode', 'commit'], 'Commit an approved chaincode definition to the channel', COMMIT_USAGE, commitDefinition, false);

const LIST_USAGE = `speedledger chaincode list [--data-dir DIR] [--org ORG] [--json]

Lists the committed chaincode definitions (_lifecycle QueryChaincodeDefinitions on ORG's peer;
default inmetro).`;

/** `speedledger chaincode list`. */
export const chaincodeListCommand: NetworkCliCommand = {
  path: ['chaincode', 'list'],
  summary: 'List committed chaincode definitions',
  usage: LIST_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { ...DATA_DIR_OPTION, org: { type: 'string', default: 'inmetro' }, json: { type: 'boolean', default: false } }, LIST_USAGE, io);
    if (parsed === undefined) return 2;
    try {
      const manifest = await readManifest(parsed.values['data-dir'] ?? defaultDataDir());
      const result = await listDefinitions(manifest, parsed.values.org!) as { definitions?: ChaincodeDefinitionInput[] };
      if (parsed.values.json === true) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        for (const d of result.definitions ?? []) io.stdout.write(`${d.name} ${d.version} sequence ${d.sequence} sha256 ${d.packageSha256} policy ${d.endorsementPolicy}\n`);
      }
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode list', error, parsed.values.json === true);
    }
  },
};

const FINGERPRINT_USAGE = `speedledger chaincode fingerprint [--package FILE] [--json]

Checks that FILE is a Fabric chaincode package (default lr-chaincode/build/lr-chaincode.tar.gz)
and prints its SHA-256 — the fingerprint a definition pins and peers check before running a
package — then its package id LABEL:SHA256 and the file: "SHA256  PACKAGE-ID  FILE".`;

/** `speedledger chaincode fingerprint`. */
export const chaincodeFingerprintCommand: NetworkCliCommand = {
  path: ['chaincode', 'fingerprint'],
  summary: 'SHA-256 fingerprint and package id of a chaincode package',
  usage: FINGERPRINT_USAGE,
  async run(args, io) {
    const parsed = parseOrUsage(args, { package: { type: 'string' }, json: { type: 'boolean', default: false } }, FINGERPRINT_USAGE, io);
    if (parsed === undefined) return 2;
    const file = parsed.values.package ?? defaultPackageFile();
    try {
      const pkg = await checkChaincodePackage(file);
      io.stdout.write(parsed.values.json === true ? `${JSON.stringify(pkg)}\n` : `${pkg.sha256}  ${pkg.packageId}  ${file}\n`);
      return 0;
    } catch (error) {
      return reportFailure(io, 'chaincode fingerprint', error, parsed.values.json === true);
    }
  },
};
