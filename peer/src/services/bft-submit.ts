import { common } from '@hyperledger/fabric-protos';
import type { EndpointErrorDetail } from './rpc-error.js';

type Status = common.StatusMap[keyof common.StatusMap];

/** One orderer's answer to Broadcast. */
export interface BroadcastAnswer {
  readonly status: Status;
  readonly info: string;
}

/** How a submission to a BFT ordering service ended. */
export type BftSubmitOutcome =
  | { readonly ok: true; readonly accepted: number }
  /** `refused`: f+1 orderers answered 4xx (the envelope itself is bad: final). */
  | { readonly ok: false; readonly kind: 'refused' | 'unavailable'; readonly details: readonly EndpointErrorDetail[] };

const STATUS_NAMES = new Map<number, string>(Object.entries(common.Status).map(([name, value]) => [value as number, name]));

/**
 * Sends one envelope to EVERY orderer at once and succeeds as soon as f+1 of them (n = 3f+1)
 * accepted it, as Fabric 3's gateway does for BFT ordering: at least one correct orderer then
 * holds the transaction, so a crashed or censoring orderer that answered SUCCESS cannot lose it,
 * and a dead primary is voted out by the backups that all have it. Slow orderers are not waited for.
 */
export function submitToOrderers(
  orderers: readonly string[],
  broadcast: (address: string) => Promise<BroadcastAnswer>,
): Promise<BftSubmitOutcome> {
  if (orderers.length === 0) return Promise.resolve({ ok: false, kind: 'unavailable', details: [] });
  const needed = Math.floor((orderers.length - 1) / 3) + 1;
  return new Promise((resolve) => {
    let accepted = 0;
    let refused = 0;
    let settled = 0;
    let done = false;
    const details: EndpointErrorDetail[] = [];
    const finish = (outcome: BftSubmitOutcome) => {
      if (!done) {
        done = true;
        resolve(outcome);
      }
    };
    const check = () => {
      if (accepted >= needed) finish({ ok: true, accepted });
      else if (refused >= needed) finish({ ok: false, kind: 'refused', details });
      else if (accepted + (orderers.length - settled) < needed) finish({ ok: false, kind: refused > 0 ? 'refused' : 'unavailable', details });
    };
    for (const address of orderers) {
      broadcast(address).then(
        (answer) => {
          settled += 1;
          if (answer.status === common.Status.SUCCESS) accepted += 1;
          else {
            if (answer.status >= 400 && answer.status < 500) refused += 1;
            const status = STATUS_NAMES.get(answer.status) ?? String(answer.status);
            details.push({ address, mspId: '', message: `received unsuccessful response from orderer: status=${status}, info=${answer.info}` });
          }
          check();
        },
        (error: unknown) => {
          settled += 1;
          details.push({ address, mspId: '', message: (error as Error).message });
          check();
        },
      );
    }
  });
}
