import { common, msp, peer } from '@hyperledger/fabric-protos';
import { PolicyError } from './policy-error.js';

/** Roles a DSL principal may name, with their `msp.MSPRole` values. */
const ROLES: Record<string, number> = {
  member: msp.MSPRole.MSPRoleType.MEMBER,
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  client: msp.MSPRole.MSPRoleType.CLIENT,
  peer: msp.MSPRole.MSPRoleType.PEER,
  orderer: msp.MSPRole.MSPRoleType.ORDERER,
};
/** Fabric's policydsl principal: an MSP id of alphanumerics, dots and dashes, a dot, a role. */
const PRINCIPAL = /^([A-Za-z0-9.-]+)\.(admin|member|client|peer|orderer)$/;

type Node =
  | { readonly kind: 'principal'; readonly mspId: string; readonly role: string; readonly position: number }
  | { readonly kind: 'outOf'; readonly n: number; readonly rules: readonly Node[] };

class Parser {
  #pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string, position = this.#pos): never {
    throw new PolicyError('INVALID_POLICY_DSL', `policy "${this.text}" at position ${position}: ${message}`, { position });
  }

  skip(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos += 1;
  }

  peek(): string | undefined {
    this.skip();
    return this.text[this.#pos];
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}', found ${this.describe()}`);
    this.#pos += 1;
  }

  describe(): string {
    return this.#pos >= this.text.length ? 'end of input' : `'${this.text[this.#pos]}'`;
  }

  document(): Node {
    const start = this.peek();
    if (start === "'" || start === '"') this.fail('a policy must be AND(...), OR(...) or OutOf(n, ...), not a bare principal');
    const node = this.rule();
    if (this.peek() !== undefined) this.fail(`unexpected ${this.describe()} after the policy`);
    return node;
  }

  rule(): Node {
    const next = this.peek();
    if (next === "'" || next === '"') return this.principal();
    const start = this.#pos;
    const word = /^[A-Za-z]+/.exec(this.text.slice(start))?.[0];
    if (word === undefined) this.fail(`expected AND, OR, OutOf or a quoted principal, found ${this.describe()}`);
    this.#pos += word.length;
    const name = word.toLowerCase();
    if (name !== 'and' && name !== 'or' && name !== 'outof') this.fail(`unknown operator '${word}' (use AND, OR or OutOf)`, start);
    this.expect('(');
    let n: number | undefined;
    let nPosition = 0;
    if (name === 'outof') {
      nPosition = this.#pos;
      n = this.count();
      if (this.peek() !== ',') this.fail(`OutOf needs a count and at least one rule, found ${this.describe()}`);
      this.#pos += 1;
    }
    const rules: Node[] = [this.rule()];
    while (this.peek() === ',') {
      this.#pos += 1;
      rules.push(this.rule());
    }
    this.expect(')');
    if (name === 'and') return { kind: 'outOf', n: rules.length, rules };
    if (name === 'or') return { kind: 'outOf', n: 1, rules };
    if (n! < 1 || n! > rules.length) this.fail(`OutOf(${n}, ...) over ${rules.length} rule(s): the count must be between 1 and ${rules.length}`, nPosition);
    return { kind: 'outOf', n: n!, rules };
  }

  count(): number {
    this.skip();
    const quote = this.text[this.#pos] === "'" || this.text[this.#pos] === '"' ? this.text[this.#pos] : undefined;
    const start = this.#pos;
    if (quote !== undefined) this.#pos += 1;
    const digits = /^[0-9]+/.exec(this.text.slice(this.#pos))?.[0];
    if (digits === undefined || digits.length > 9) this.fail(`OutOf count must be a non-negative integer, found ${this.describe()}`);
    this.#pos += digits.length;
    if (quote !== undefined) {
      if (this.text[this.#pos] !== quote) this.fail(`unterminated quoted count`, start);
      this.#pos += 1;
    }
    return Number(digits);
  }

  principal(): Node {
    const start = this.#pos;
    const quote = this.text[start]!;
    const end = this.text.indexOf(quote, start + 1);
    if (end < 0) this.fail('unterminated quoted principal', start);
    const body = this.text.slice(start + 1, end);
    const match = PRINCIPAL.exec(body);
    if (match === null) this.fail(`'${body}' is not a principal of the form 'MspId.role' (role: member, admin, client, peer or orderer)`, start);
    this.#pos = end + 1;
    return { kind: 'principal', mspId: match[1]!, role: match[2]!, position: start };
  }
}

function encode(node: Node, principals: msp.MSPPrincipal[], index: Map<string, number>): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  if (node.kind === 'principal') {
    const key = `${node.mspId}\u0000${node.role}`;
    let at = index.get(key);
    if (at === undefined) {
      const role = new msp.MSPRole();
      role.setMspIdentifier(node.mspId);
      role.setRole(ROLES[node.role] as msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      at = principals.length;
      principals.push(principal);
      index.set(key, at);
    }
    rule.setSignedBy(at);
    return rule;
  }
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(node.n);
  outOf.setRulesList(node.rules.map((child) => encode(child, principals, index)));
  rule.setNOutOf(outOf);
  return rule;
}

/**
 * Parses Fabric's signature-policy DSL as `peer lifecycle ... --signature-policy` accepts it:
 * `AND(...)`, `OR(...)`, `OutOf(n, ...)` (operators case-insensitive), nested, principals
 * `'MspId.role'` (single or double quotes; role member, admin, client, peer or orderer),
 * whitespace anywhere between tokens. Principals are deduplicated in order of first appearance,
 * as Fabric's `policydsl` does, and the envelope has version 0.
 * Throws INVALID_POLICY_DSL with the 0-based `position` of the problem.
 */
export function parseSignaturePolicy(text: string): common.SignaturePolicyEnvelope {
  const tree = new Parser(text).document();
  const principals: msp.MSPPrincipal[] = [];
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(encode(tree, principals, new Map()));
  envelope.setIdentitiesList(principals);
  return envelope;
}

/** The `peer.ApplicationPolicy` a chaincode definition carries for a DSL signature policy. */
export function applicationPolicyFromDsl(text: string): peer.ApplicationPolicy {
  const policy = new peer.ApplicationPolicy();
  policy.setSignaturePolicy(parseSignaturePolicy(text));
  return policy;
}

/**
 * A `peer.ApplicationPolicy` referring to a channel config policy, e.g.
 * `/Channel/Application/Endorsement` (Fabric's default endorsement policy). Throws
 * INVALID_POLICY_REFERENCE for an empty path or one with empty segments.
 */
export function channelPolicyReference(path: string): peer.ApplicationPolicy {
  const segments = (path.startsWith('/') ? path.slice(1) : path).split('/');
  if (path === '' || segments.some((s) => s === '' || /\s/.test(s))) {
    throw new PolicyError('INVALID_POLICY_REFERENCE', `'${path}' is not a channel policy path such as /Channel/Application/Endorsement`, { path });
  }
  const policy = new peer.ApplicationPolicy();
  policy.setChannelConfigPolicyReference(path);
  return policy;
}
