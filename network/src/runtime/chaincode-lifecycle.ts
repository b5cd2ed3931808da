import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openGatewaySession, type GatewaySession } from '../adapters/gateway-session.js';
import type { NetworkManifest } from '../manifest/network-manifest.js';
import { GOVERNANCE } from '../plan/network-orgs.js';
import { resolveOrg } from './identity-lookup.js';
import { explainRetry } from './lifecycle-retry.js';
import { checkChaincodePackage } from './package-check.js';
import { awaitBlockOnEveryPeer, PROPAGATION_TIMEOUT_MS } from './peer-propagation.js';

/** The `_lifecycle` definition an organisation approves and the channel commits. */
export interface ChaincodeDefinitionInput {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageSha256: string;
  readonly endorsementPolicy: string;
}

/** The lifecycle system chaincode's name. */
export const LIFECYCLE_CHAINCODE = '_lifecycle';

/**
 * Lower-case hex SHA-256 of a chaincode package file (the fingerprint the definition pins), once
 * the file is checked to be a chaincode package (PACKAGE_MISSING, PACKAGE_INVALID).
 */
export async function packageFingerprint(packageFile: string): Promise<string> {
  return (await checkChaincodePackage(packageFile)).sha256;
}

/**
 * Copies the package into the `chaincodePackagesDir` of every peer, or of `org`'s peers only
 * (peers run it only if its hash matches the committed definition).
 */
export async function installPackage(manifest: NetworkManifest, packageFile: string, org?: string): Promise<string[]> {
  const only = org === undefined ? undefined : resolveOrg(manifest, org).dir;
  await checkChaincodePackage(packageFile);
  const installed: string[] = [];
  for (const peer of manifest.processes.filter((p) => p.kind === 'peer' && (only === undefined || p.org === only))) {
    const dir = peer.chaincodePackagesDir ?? join(peer.dataDir, 'chaincodes');
    await mkdir(dir, { recursive: true });
    const target = join(dir, basename(packageFile));
    await copyFile(packageFile, target);
    installed.push(target);
  }
  return installed;
}

async function withSession<T>(manifest: NetworkManifest, org: string, user: string, use: (session: GatewaySession) => Promise<T>): Promise<T> {
  const session = await openGatewaySession(manifest, org, user);
  try {
    return await use(session);
  } finally {
    session.close();
  }
}

/** How long a lifecycle transaction waits for every peer to commit it (default 60 s, the bound; 0: not at all). */
export interface LifecycleWaitOptions {
  readonly awaitPeersMs?: number;
  /** Told the block the transaction committed in, once every peer has it (or at once without waiting). */
  readonly onCommitted?: (blockNumber: number) => void;
}

async function submitLifecycle(manifest: NetworkManifest, org: string, fn: string, definition: ChaincodeDefinitionInput, endorsers: readonly string[], options: LifecycleWaitOptions): Promise<string> {
  const { result, blockNumber } = await withSession(manifest, org, 'Admin', (s) => s.submitInBlock(LIFECYCLE_CHAINCODE, fn, [JSON.stringify(definition)], endorsers));
  // Return only when every peer has it: the next step of a script (another organisation's
  // approval, the commit, a reading under the new definition) must not meet a peer behind.
  const wait = options.awaitPeersMs ?? PROPAGATION_TIMEOUT_MS;
  if (wait > 0) await awaitBlockOnEveryPeer(manifest, blockNumber, `${fn} of ${definition.name} sequence ${definition.sequence}`, wait);
  options.onCommitted?.(blockNumber);
  return result;
}

/**
 * `ApproveChaincodeDefinitionForMyOrg` as the organisation's admin, endorsed by its own peer;
 * returns once every peer has committed the approval (PROPAGATION_TIMEOUT after 60 s).
 */
export async function approveDefinition(manifest: NetworkManifest, org: string, definition: ChaincodeDefinitionInput, options: LifecycleWaitOptions = {}): Promise<string> {
  const organisation = resolveOrg(manifest, org);
  return submitLifecycle(manifest, organisation.dir, 'ApproveChaincodeDefinitionForMyOrg', definition, [organisation.mspId], options);
}

/**
 * `CommitChaincodeDefinition` as the organisation's admin, endorsed by every organisation's peer
 * (the LifecycleEndorsement policy needs a majority with Inmetro); returns once every peer has
 * the new definition (PROPAGATION_TIMEOUT after 60 s).
 */
export async function commitDefinition(manifest: NetworkManifest, org: string, definition: ChaincodeDefinitionInput, options: LifecycleWaitOptions = {}): Promise<string> {
  return submitLifecycle(manifest, org, 'CommitChaincodeDefinition', definition, manifest.orgs.map((o) => o.mspId), options);
}

/** `QueryChaincodeDefinitions` on the organisation's peer: every committed definition. */
export async function listDefinitions(manifest: NetworkManifest, org: string): Promise<unknown> {
  return JSON.parse(await withSession(manifest, org, 'User1', (s) => s.evaluate(LIFECYCLE_CHAINCODE, 'QueryChaincodeDefinitions', ['{}']))) as unknown;
}

/** `CheckCommitReadiness`: which organisations approved exactly this definition. */
export async function commitReadiness(manifest: NetworkManifest, org: string, definition: ChaincodeDefinitionInput): Promise<Record<string, boolean>> {
  const text = await withSession(manifest, org, 'Admin', (s) => s.evaluate(LIFECYCLE_CHAINCODE, 'CheckCommitReadiness', [JSON.stringify(definition)]));
  return (JSON.parse(text) as { approvals: Record<string, boolean> }).approvals;
}

async function committedSha(manifest: NetworkManifest, name: string): Promise<string | undefined> {
  try {
    const text = await withSession(manifest, 'inmetro', 'User1', (s) => s.evaluate(LIFECYCLE_CHAINCODE, 'QueryChaincodeDefinition', [JSON.stringify({ name })]));
    return (JSON.parse(text) as { packageSha256?: string }).packageSha256;
  } catch {
    return undefined;
  }
}

async function retry<T>(what: string, attempts: number, action: () => Promise<T>, log: (line: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      // Other peers may not have committed the previous block yet: give them a moment.
      const note = explainRetry(what, attempt, 1000 * attempt, error);
      log(note.level === 'warn' ? `warning: ${note.line}` : note.line);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

/**
 * Installs the package on every peer, has every organisation's admin approve the definition,
 * Inmetro's admin commit it and Inmetro's registrar initialise governance. Steps already on the
 * ledger (a committed definition with this fingerprint, governance set) are skipped, so a
 * deployment interrupted half-way can be re-run.
 */
export async function deployChaincode(manifest: NetworkManifest, packageFile: string, log: (line: string) => void): Promise<ChaincodeDefinitionInput> {
  const packageSha256 = await packageFingerprint(packageFile);
  await installPackage(manifest, packageFile);
  const { name, version, sequence, endorsementPolicy } = manifest.chaincode;
  const definition = { name, version, sequence, packageSha256, endorsementPolicy };
  log(`chaincode ${name} ${version} sequence ${sequence}: package sha256 ${packageSha256}`);
  if ((await committedSha(manifest, name)) === packageSha256) {
    log(`chaincode ${name}: definition already committed`);
  } else {
    for (const org of manifest.orgs) {
      // Not waited for here: a timeout after the approval committed would make the retry re-approve.
      await retry(`approve ${org.mspId}`, 5, () => approveDefinition(manifest, org.dir, definition, { awaitPeersMs: 0 }), log);
      log(`chaincode ${name}: approved by ${org.mspId}`);
    }
    await retry('commit', 5, () => commitDefinition(manifest, 'inmetro', definition, { awaitPeersMs: 0 }), log);
    log(`chaincode ${name}: definition committed`);
  }
  await retry('governance init', 8, async () => {
    try {
      await withSession(manifest, 'inmetro', 'Registrar', (s) =>
        s.submit(name, 'Governance:Init', [JSON.stringify(GOVERNANCE)], [...GOVERNANCE.notifiedBodies]));
      log(`chaincode ${name}: governance initialised ${JSON.stringify(GOVERNANCE)}`);
    } catch (error) {
      if (!/ALREADY_EXISTS/.test((error as Error).message)) throw error;
      log(`chaincode ${name}: governance already initialised`);
    }
  }, log);
  return definition;
}
