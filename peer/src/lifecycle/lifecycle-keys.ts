/** The `_lifecycle` namespace and its key layout (one place, so the chaincode and the validator agree). */
export const LIFECYCLE_NAMESPACE = '_lifecycle';

/** Policy path the committed-definition writes must satisfy (Fabric's name for it). */
export const LIFECYCLE_ENDORSEMENT_POLICY = '/Channel/Application/LifecycleEndorsement';

/** `approvals/<mspId>/<name>/<sequence>`: one organisation's approval of one definition sequence. */
export function approvalKey(mspId: string, name: string, sequence: number): string {
  return `approvals/${mspId}/${name}/${sequence}`;
}

/** `definitions/<name>`: the committed definition of a chaincode. */
export function definitionKey(name: string): string {
  return `definitions/${name}`;
}

/** `refusals/<mspId>/<name>/<sequence>/<peer>`: a peer refused to run the package it holds. */
export function refusalKey(mspId: string, name: string, sequence: number, peer: string): string {
  return `refusals/${mspId}/${name}/${sequence}/${peer}`;
}

/** Which kind of `_lifecycle` key this is and, for per-organisation keys, whose. */
export type LifecycleKeyKind =
  | { readonly kind: 'approval' | 'refusal'; readonly mspId: string }
  | { readonly kind: 'definition' }
  | { readonly kind: 'other' };

/** Classifies a `_lifecycle` key (anything outside the layout is `other`). */
export function classifyLifecycleKey(key: string): LifecycleKeyKind {
  const parts = key.split('/');
  if (parts[0] === 'approvals' && parts.length === 4 && parts[1] !== '') return { kind: 'approval', mspId: parts[1]! };
  if (parts[0] === 'refusals' && parts.length === 5 && parts[1] !== '') return { kind: 'refusal', mspId: parts[1]! };
  if (parts[0] === 'definitions' && parts.length === 2 && parts[1] !== '') return { kind: 'definition' };
  return { kind: 'other' };
}
