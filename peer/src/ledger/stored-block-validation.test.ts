import { common } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './ledger-error.js';
import { configBlockValidation, transactionsFilterOf, validationOfStoredBlock, withTransactionsFilter } from './stored-block-validation.js';
import { configEnvelope, endorserEnvelope, makeBlock } from './test-support/ledger-blocks.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('stored block validation', () => {
  const genesis = makeBlock(0, undefined, [configEnvelope()]);
  const block = makeBlock(1, genesis, [
    endorserEnvelope({
      txId: 'a', writes: [{ ns: 'cc', key: 'k', value: 'v' }, { ns: 'cc', key: 'gone', value: null }, { ns: 'other', key: 'x', value: '1' }],
      metadata: [{ ns: 'cc', key: 'k', entries: { VALIDATION_PARAMETER: 'p' } }], event: { chaincodeId: 'cc', name: 'E', payload: 'e' },
    }),
    endorserEnvelope({ txId: 'b', writes: [{ ns: 'cc', key: 'k', value: 'never' }] }),
  ]);

  it('writes the filter at metadata index 2 as raw flags, padding missing entries, without touching the original', () => {
    const bare = makeBlock(1, genesis, []);
    bare.getMetadata()!.setMetadataList([new Uint8Array()]);
    const stored = withTransactionsFilter(bare, Uint8Array.of(0, 11));
    expect(stored.getMetadata()!.getMetadataList_asU8()).toHaveLength(3);
    expect([...transactionsFilterOf(stored)]).toEqual([0, 11]);
    expect(bare.getMetadata()!.getMetadataList_asU8()).toHaveLength(1);
  });

  it('reads the VALID transactions\' writes, metadata writes and event back from the block and its filter', () => {
    const validation = validationOfStoredBlock(withTransactionsFilter(block, Uint8Array.of(0, 11)));
    expect(validation.blockNumber).toBe(1);
    const [a, b] = validation.transactions;
    expect([a!.txId, a!.code, a!.headerType, b!.txId, b!.code, b!.writes]).toEqual(['a', 0, common.HeaderType.ENDORSER_TRANSACTION, 'b', 11, []]);
    expect(a!.writes.map((ns) => [ns.namespace, ns.writes.map((w) => [w.key, w.value === null ? null : text(w.value)])])).toEqual([
      ['cc', [['k', 'v'], ['gone', null]]], ['other', [['x', '1']]],
    ]);
    expect(text(a!.writes[0]!.metadataWrites[0]!.entries.get('VALIDATION_PARAMETER')!)).toBe('p');
    expect(a!.chaincodeEvent).toMatchObject({ chaincodeId: 'cc', txId: 'a', eventName: 'E' });
  });

  it('treats a config block as all VALID without writes', () => {
    expect(configBlockValidation(genesis)).toMatchObject({ blockNumber: 0, transactionsFilter: Uint8Array.of(0), transactions: [{ txId: 'config-0', code: 0, writes: [] }] });
  });

  it('refuses a stored block whose filter does not cover its transactions', () => {
    let error: unknown;
    try {
      validationOfStoredBlock(withTransactionsFilter(block, Uint8Array.of(0)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('LEDGER_CORRUPT');
  });
});
