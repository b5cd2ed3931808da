import { common, peer } from '@hyperledger/fabric-protos';
import { describe, expect, it } from 'vitest';
import { parseEnvelopeParts } from './parse-transaction.js';

// A Timestamp with an unknown field 15 that declares 2^32-1 bytes: google-protobuf skips unknown
// fields by advancing the cursor past the end and then loops (issue 17). Every peer validates
// every ordered envelope, so this one, if ordered, would have frozen all of them.
const HOSTILE_TIMESTAMP = [0x7a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)];

describe('parseEnvelopeParts on hostile nesting', () => {
  it('refuses a channel header whose nested timestamp declares 2^32-1 bytes as BAD_CHANNEL_HEADER, at once', () => {
    const channelHeader = Uint8Array.from([0x08, 0x03, 0x1a, HOSTILE_TIMESTAMP.length, ...HOSTILE_TIMESTAMP]);
    const header = new common.Header();
    header.setChannelHeader(channelHeader);
    header.setSignatureHeader(new Uint8Array([0x0a, 0x01, 0x01, 0x12, 0x01, 0x02]));
    const payload = new common.Payload();
    payload.setHeader(header);
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    const started = Date.now();
    expect(parseEnvelopeParts(envelope.serializeBinary())).toMatchObject({ code: peer.TxValidationCode.BAD_CHANNEL_HEADER });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
