import { createHash } from 'node:crypto';
import { verifyP256 } from '../core/index.js';
import { meterPublicKey } from './meter-key-cache.js';
import { canonicalJson } from './canonical-json.js';
import { ContractError } from './contract-error.js';
import { Info, LrContext, LrContract, Returns, Transaction } from './fabric-api.js';
import { KEY_TYPES } from './ledger-keys.js';
import { writeJson } from './ledger-store.js';
import { loadMeter, requireMeterId } from './meter-registry-contract.js';
import { actorOf } from './registrar-check.js';

function decodeArguments(dataBase64: string, signatureHex: string): { data: Buffer; signature: Buffer } {
  const data = Buffer.from(dataBase64, 'base64');
  if (data.toString('base64') !== dataBase64) throw new ContractError('INVALID_ARGUMENT', 'data is not canonical base64');
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) throw new ContractError('INVALID_ARGUMENT', 'signature must be 64 bytes (r ‖ s) as hex');
  return { data, signature: Buffer.from(signatureHex, 'hex') };
}

async function check(ctx: LrContext, meterId: string, dataBase64: string, signatureHex: string) {
  requireMeterId(meterId);
  const { data, signature } = decodeArguments(dataBase64, signatureHex);
  const meter = await loadMeter(ctx, meterId, 'UNKNOWN_METER');
  const key = meterPublicKey(meter.publicKeyHex);
  if (!('keyObject' in key)) throw new ContractError('UNKNOWN_METER', `registered key of ${meterId} is unusable`, { meterId });
  const result = verifyP256(data, signature, key);
  return { meter, data, valid: result.ok, detail: result.ok ? null : result.detail };
}

/**
 * `SignatureService`: checks an ECDSA P-256 (low-S, r ‖ s) signature under a registered meter's
 * key, e.g. for an auditor re-checking evidence. The key is used whatever the meter's status,
 * since old evidence of a since-revoked meter must remain checkable.
 */
@Info({ title: 'SignatureService', description: 'Signature checks under registered meter keys' })
export class SignatureServiceContract extends LrContract {
  constructor() {
    super('SignatureService');
  }

  /** Evaluate: `true` or `false`. UNKNOWN_METER / INVALID_ARGUMENT on bad input. */
  @Transaction(false)
  @Returns('string')
  async VerifySignature(ctx: LrContext, meterId: string, dataBase64: string, signatureHex: string): Promise<string> {
    return canonicalJson((await check(ctx, meterId, dataBase64, signatureHex)).valid);
  }

  /** Submit: the same check, logged on the ledger under (meterId, txId). Event `SignatureChecked`. */
  @Transaction()
  @Returns('string')
  async LogSignatureCheck(ctx: LrContext, meterId: string, dataBase64: string, signatureHex: string): Promise<string> {
    const { meter, data, valid, detail } = await check(ctx, meterId, dataBase64, signatureHex);
    const record = {
      meterId,
      meterStatus: meter.status,
      dataSha256: createHash('sha256').update(data).digest('hex'),
      signatureHex: signatureHex.toLowerCase(),
      valid,
      detail,
      checkedBy: actorOf(ctx),
      txId: ctx.stub.getTxID(),
      checkedAt: ctx.stub.getDateTimestamp().toISOString(),
    };
    await writeJson(ctx, ctx.stub.createCompositeKey(KEY_TYPES.SIGNATURE_CHECK, [meterId, ctx.stub.getTxID()]), record);
    ctx.stub.setEvent('SignatureChecked', Buffer.from(canonicalJson(record)));
    return canonicalJson(record);
  }
}
