import type { common, peer } from '@hyperledger/fabric-protos';
import type { EndorsementRequirement } from './endorsement-requirement.js';
import type { ProposalParts } from './proposal-parts.js';
import { responseOutcome } from './proposal-parts.js';
import { prepareTransaction } from './prepared-transaction.js';
import type { EndpointErrorDetail } from './rpc-error.js';
import type { ProposalProcessor } from './service-host.js';

/** A peer the Gateway may ask to endorse. */
export interface GatewayEndorser {
  readonly name: string;
  readonly mspId: string;
  readonly address: string;
  readonly processor: ProposalProcessor;
}

/** Why an Endorse failed, in Fabric Gateway terms (the service maps `kind` to a gRPC code). */
export type EndorseFailure =
  | { readonly kind: 'first-endorser'; readonly details: readonly EndpointErrorDetail[] }
  | { readonly kind: 'no-plan'; readonly message: string }
  | { readonly kind: 'insufficient'; readonly details: readonly EndpointErrorDetail[] };

/** What one Endorse needs: the local endorser first, the other candidates, and the policy check. */
export interface EndorseInput {
  readonly parts: ProposalParts;
  readonly signed: peer.SignedProposal;
  readonly local: GatewayEndorser;
  readonly others: readonly GatewayEndorser[];
  /** Derives the policy requirement from the first (local) response. */
  requirement(first: peer.ProposalResponse): Promise<EndorsementRequirement | { readonly error: string }>;
  /** Organisations the client asked for explicitly (EndorseRequest.endorsing_organizations). */
  readonly endorsingOrganizations: readonly string[];
  /**
   * The chaincode's own policy, when known before endorsing: if the local organisation takes no
   * part in it, the first endorsement goes to a peer that does, as Fabric's gateway plans, so the
   * transaction is not simulated once more than the policy needs.
   */
  readonly chaincodePolicy?: EndorsementRequirement;
}

async function ask(endorser: GatewayEndorser, signed: peer.SignedProposal): Promise<peer.ProposalResponse | EndpointErrorDetail> {
  const detail = (message: string): EndpointErrorDetail => ({ address: endorser.address, mspId: endorser.mspId, message });
  let response: peer.ProposalResponse;
  try {
    response = await endorser.processor.processProposal(signed);
  } catch (error) {
    return detail((error as Error).message);
  }
  const outcome = responseOutcome(response);
  return outcome.ok ? response : detail(outcome.message);
}

const isDetail = (value: peer.ProposalResponse | EndpointErrorDetail): value is EndpointErrorDetail => 'message' in value && 'address' in value;

/** Smallest prefix of `candidates` (by greedy addition, then pruning) whose organisations satisfy the requirement. */
function choose(candidates: readonly GatewayEndorser[], satisfied: EndorsementRequirement): GatewayEndorser[] | undefined {
  const chosen: GatewayEndorser[] = [];
  for (const candidate of candidates) {
    if (satisfied(chosen.map((c) => c.mspId))) break;
    if (!chosen.some((c) => c.mspId === candidate.mspId)) chosen.push(candidate);
  }
  if (!satisfied(chosen.map((c) => c.mspId))) return undefined;
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = chosen.filter((_, j) => j !== i);
    if (without.length > 0 && satisfied(without.map((c) => c.mspId))) chosen.splice(i, 1);
  }
  return chosen;
}

/** Candidates in asking order: the local peer first unless the chaincode policy leaves its organisation out. */
function firstEndorserFirst(input: EndorseInput): GatewayEndorser[] {
  const all = [input.local, ...input.others];
  if (input.chaincodePolicy === undefined) return all;
  const plan = choose(all, input.chaincodePolicy);
  if (plan === undefined || plan.includes(input.local)) return all;
  return [plan[0]!, ...all.filter((e) => e !== plan[0])];
}

/**
 * Fabric Gateway's Endorse: the local peer endorses first — or, when its organisation is not in
 * the chaincode policy, a peer that is — (its response shows what the transaction writes, hence
 * which policies apply), then enough other organisations' peers to
 * satisfy every policy are asked in parallel, replacing any that fail; all responses must carry
 * byte-identical payloads. Returns the unsigned prepared transaction.
 */
export async function endorseTransaction(input: EndorseInput): Promise<{ readonly prepared: common.Envelope } | { readonly failure: EndorseFailure }> {
  const responses = new Map<GatewayEndorser, peer.ProposalResponse>();
  const details: EndpointErrorDetail[] = [];
  let plan: GatewayEndorser[] | undefined;

  if (input.endorsingOrganizations.length > 0) {
    plan = [];
    for (const mspId of new Set(input.endorsingOrganizations)) {
      const endorser = [input.local, ...input.others].find((e) => e.mspId === mspId);
      if (endorser === undefined) return { failure: { kind: 'no-plan', message: `no endorsers known for organization ${mspId}` } };
      plan.push(endorser);
    }
  } else {
    const candidates = firstEndorserFirst(input);
    const leader = candidates[0]!;
    let first = await ask(leader, input.signed);
    if (isDetail(first) && leader !== input.local) {
      details.push(first);
      first = await ask(input.local, input.signed);
      candidates.splice(candidates.indexOf(input.local), 1);
      candidates.unshift(input.local);
    }
    if (isDetail(first)) return { failure: { kind: 'first-endorser', details: [...details, first] } };
    responses.set(candidates[0]!, first);
    const requirement = await input.requirement(first);
    if ('error' in requirement) return { failure: { kind: 'no-plan', message: requirement.error } };
    const failed = new Set<GatewayEndorser>(leader !== candidates[0] ? [leader] : []);
    while (true) {
      plan = choose(candidates.filter((e) => !failed.has(e)), requirement);
      if (plan === undefined) {
        return details.length > 0
          ? { failure: { kind: 'insufficient', details } }
          : { failure: { kind: 'no-plan', message: 'no combination of peers can be derived which satisfy the endorsement policy' } };
      }
      const missing = plan.filter((e) => !responses.has(e));
      if (missing.length === 0) break;
      const answers = await Promise.all(missing.map((e) => ask(e, input.signed)));
      missing.forEach((endorser, i) => {
        const answer = answers[i]!;
        if (isDetail(answer)) {
          details.push(answer);
          failed.add(endorser);
        } else responses.set(endorser, answer);
      });
    }
  }

  for (const endorser of plan.filter((e) => !responses.has(e))) {
    const answer = await ask(endorser, input.signed);
    if (isDetail(answer)) return { failure: { kind: 'insufficient', details: [...details, answer] } };
    responses.set(endorser, answer);
  }
  const chosen = plan.map((e) => [e, responses.get(e)!] as const);
  const reference = Buffer.from(chosen[0]![1].getPayload_asU8());
  const mismatched = chosen.filter(([, r]) => !reference.equals(r.getPayload_asU8()));
  if (mismatched.length > 0) {
    const mismatch = mismatched.map(([e]) => ({ address: e.address, mspId: e.mspId, message: 'ENDORSEMENT_MISMATCH: ProposalResponsePayloads do not match' }));
    return { failure: { kind: 'insufficient', details: [...details, ...mismatch] } };
  }
  const endorsements = chosen.map(([, r]) => r.getEndorsement()).filter((e): e is peer.Endorsement => e !== undefined);
  return { prepared: prepareTransaction(input.parts.proposal, reference, endorsements) };
}
