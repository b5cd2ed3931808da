import { canonicalBytes } from '../core/canonical-bytes.js';
import { toHex } from '../core/bytes.js';
import type { Hasher } from '../core/dependencies.js';
import type { Envelope } from '../core/messages.js';
import { proposalDigestOf } from './proposal-digest.js';

/** What a signed message commits its author to: one digest per (kind, view, seq). */
export interface SignedStatement {
  readonly kind: 'pre-prepare' | 'prepare' | 'commit' | 'new-view' | 'checkpoint';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}

/** Two different statements one honest replica signed for the same slot. */
export interface Equivocation {
  readonly replica: number;
  readonly first: SignedStatement & { readonly at: number };
  readonly second: SignedStatement & { readonly at: number };
}

/**
 * The statements an envelope carries under its author's signature. NEW-VIEW counts twice: as
 * itself (a leader signs one NEW-VIEW per view) and through the re-issued pre-prepares of its O,
 * which the leader signed like any other pre-prepare. Checkpoints have no view (-1).
 */
export function signedStatements(hasher: Hasher, envelope: Envelope): SignedStatement[] {
  const body = envelope.body;
  switch (body.type) {
    case 'pre-prepare':
      return [{ kind: 'pre-prepare', view: body.view, seq: body.seq, digest: proposalDigestOf(hasher, body.proposal) }];
    case 'prepare':
    case 'commit':
      return [{ kind: body.type, view: body.view, seq: body.seq, digest: body.digest }];
    case 'checkpoint':
      return [{ kind: 'checkpoint', view: -1, seq: body.seq, digest: body.digest }];
    case 'new-view': {
      const own = body.prePrepares.filter((pp) => pp.from === envelope.from).flatMap((pp) => signedStatements(hasher, pp));
      return [{ kind: 'new-view', view: body.view, seq: -1, digest: toHex(hasher.hash(canonicalBytes(body))) }, ...own];
    }
    default:
      return [];
  }
}

/**
 * Every statement each honest replica signed, for its whole life (restarts included: the
 * record belongs to the replica id, not to a process). PBFT's safety argument rests on an
 * honest replica never signing two different proposals for one (view, seq); this catches a
 * breach of it even in runs where agreement happens to survive.
 */
export class SigningRecord {
  private readonly first = new Map<string, SignedStatement & { at: number }>();

  constructor(private readonly hasher: Hasher) {}

  /** Records what `replica` signed in `envelope`; returns the equivocations it reveals. */
  record(replica: number, envelope: Envelope, at: number): Equivocation[] {
    if (envelope.from !== replica) return []; // a relayed message signs nothing new
    const found: Equivocation[] = [];
    for (const statement of signedStatements(this.hasher, envelope)) {
      const key = `${replica}|${statement.kind}|${statement.view}|${statement.seq}`;
      const earlier = this.first.get(key);
      if (earlier === undefined) this.first.set(key, { ...statement, at });
      else if (earlier.digest !== statement.digest) found.push({ replica, first: earlier, second: { ...statement, at } });
    }
    return found;
  }
}
