import { common, gateway, ledger, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { encodeValue } from '../runtime/codec.js';

/**
 * Valid messages of every fuzz target's type, built once and written to `fuzz/corpus/<target>/`
 * (`npm run fuzz -- --write-seeds`): a well-formed, deeply nested starting point the mutator
 * breaks in every way, plus the issue-17 freeze message itself.
 */
export function seedCorpus(): Record<string, Uint8Array[]> {
  const bytes = (m: { serializeBinary(): Uint8Array }): Uint8Array => m.serializeBinary();
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);

  const identity = new msp.SerializedIdentity();
  identity.setMspid('Org1MSP');
  identity.setIdBytes(text('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'));
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName('lr-chaincode');
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId('speedledger');
  channelHeader.setTxId('ab'.repeat(32));
  channelHeader.setExtension$(bytes(extension));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(bytes(identity));
  signatureHeader.setNonce(new Uint8Array(24).fill(7));
  const header = new common.Header();
  header.setChannelHeader(bytes(channelHeader));
  header.setSignatureHeader(bytes(signatureHeader));

  const input = new peer.ChaincodeInput();
  input.setArgsList([text('submitReading'), new Uint8Array(40).fill(3)]);
  const spec = new peer.ChaincodeSpec();
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(bytes(invocation));
  proposalPayload.getTransientmapMap().set('k', text('v'));
  const proposal = new peer.Proposal();
  proposal.setHeader(bytes(header));
  proposal.setPayload(bytes(proposalPayload));
  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(bytes(proposal));
  signedProposal.setSignature(new Uint8Array(70).fill(9));

  const write = new ledger.rwset.kvrwset.KVWrite();
  write.setKey('meter~m1~1');
  write.setValue(text('{"speed":4200}'));
  const read = new ledger.rwset.kvrwset.KVRead();
  read.setKey('meter~m1');
  const version = new ledger.rwset.kvrwset.Version();
  version.setBlockNum(3);
  version.setTxNum(1);
  read.setVersion(version);
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setReadsList([read]);
  kv.setWritesList([write]);
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace('lr-chaincode');
  ns.setRwset(bytes(kv));
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setNsRwsetList([ns]);
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId('lr-chaincode');
  event.setTxId('ab'.repeat(32));
  event.setEventName('MeasurementRecorded');
  event.setPayload(text('{}'));
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(text('{"ok":true}'));
  const action = new peer.ChaincodeAction();
  action.setResults(bytes(txRwSet));
  action.setEvents(bytes(event));
  action.setResponse(response);
  action.setChaincodeId(chaincodeId);
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(new Uint8Array(32).fill(1));
  responsePayload.setExtension$(bytes(action));
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(bytes(identity));
  endorsement.setSignature(new Uint8Array(70).fill(5));
  const proposalResponse = new peer.ProposalResponse();
  proposalResponse.setVersion(1);
  proposalResponse.setResponse(response);
  proposalResponse.setPayload(bytes(responsePayload));
  proposalResponse.setEndorsement(endorsement);
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(bytes(responsePayload));
  endorsedAction.setEndorsementsList([endorsement]);
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(bytes(proposalPayload));
  actionPayload.setAction(endorsedAction);
  const txAction = new peer.TransactionAction();
  txAction.setHeader(bytes(signatureHeader));
  txAction.setPayload(bytes(actionPayload));
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(bytes(transaction));
  const envelope = new common.Envelope();
  envelope.setPayload(bytes(payload));
  envelope.setSignature(new Uint8Array(70).fill(4));

  const specified = new orderer.SeekSpecified();
  specified.setNumber(5);
  const start = new orderer.SeekPosition();
  start.setSpecified(specified);
  const stop = new orderer.SeekPosition();
  stop.setNewest(new orderer.SeekNewest());
  const seekInfo = new orderer.SeekInfo();
  seekInfo.setStart(start);
  seekInfo.setStop(stop);
  seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
  const seekChannelHeader = new common.ChannelHeader();
  seekChannelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
  seekChannelHeader.setChannelId('speedledger');
  const seekHeader = new common.Header();
  seekHeader.setChannelHeader(bytes(seekChannelHeader));
  seekHeader.setSignatureHeader(bytes(signatureHeader));
  const seekPayload = new common.Payload();
  seekPayload.setHeader(seekHeader);
  seekPayload.setData(bytes(seekInfo));
  const seekEnvelope = new common.Envelope();
  seekEnvelope.setPayload(bytes(seekPayload));
  seekEnvelope.setSignature(new Uint8Array(70).fill(4));

  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(7);
  blockHeader.setPreviousHash(new Uint8Array(32).fill(2));
  blockHeader.setDataHash(new Uint8Array(32).fill(3));
  const blockData = new common.BlockData();
  blockData.setDataList([bytes(envelope)]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(8), new Uint8Array(0), new Uint8Array([0])]);
  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(blockData);
  block.setMetadata(metadata);
  const ordererDeliver = new orderer.DeliverResponse();
  ordererDeliver.setBlock(block);
  const peerDeliver = new peer.DeliverResponse();
  peerDeliver.setBlock(block);

  const endorse = new gateway.EndorseRequest();
  endorse.setTransactionId('ab'.repeat(32));
  endorse.setChannelId('speedledger');
  endorse.setProposedTransaction(signedProposal);
  endorse.setEndorsingOrganizationsList(['Org1MSP']);
  const evaluate = new gateway.EvaluateRequest();
  evaluate.setTransactionId('ab'.repeat(32));
  evaluate.setChannelId('speedledger');
  evaluate.setProposedTransaction(signedProposal);
  const submit = new gateway.SubmitRequest();
  submit.setTransactionId('ab'.repeat(32));
  submit.setChannelId('speedledger');
  submit.setPreparedTransaction(envelope);
  const commitStatus = new gateway.CommitStatusRequest();
  commitStatus.setTransactionId('ab'.repeat(32));
  commitStatus.setChannelId('speedledger');
  commitStatus.setIdentity(bytes(identity));
  const signedCommitStatus = new gateway.SignedCommitStatusRequest();
  signedCommitStatus.setRequest(bytes(commitStatus));
  signedCommitStatus.setSignature(new Uint8Array(70).fill(6));
  const events = new gateway.ChaincodeEventsRequest();
  events.setChannelId('speedledger');
  events.setChaincodeId('lr-chaincode');
  events.setIdentity(bytes(identity));
  const signedEvents = new gateway.SignedChaincodeEventsRequest();
  signedEvents.setRequest(bytes(events));
  signedEvents.setSignature(new Uint8Array(70).fill(6));

  const freeze = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, ...new Array<number>(64).fill(0x41)]);
  const seeds: Record<string, Uint8Array[]> = {
    'gateway.EndorseRequest': [bytes(endorse)],
    'gateway.EvaluateRequest': [bytes(evaluate)],
    'gateway.SubmitRequest': [bytes(submit)],
    'gateway.SignedCommitStatusRequest': [bytes(signedCommitStatus)],
    'gateway.CommitStatusRequest': [bytes(commitStatus)],
    'gateway.SignedChaincodeEventsRequest': [bytes(signedEvents)],
    'gateway.ChaincodeEventsRequest': [bytes(events)],
    'peer.SignedProposal': [bytes(signedProposal)],
    'common.Envelope': [bytes(envelope), bytes(seekEnvelope)],
    'common.Payload': [bytes(payload), bytes(seekPayload)],
    'common.Header': [bytes(header)],
    'common.ChannelHeader': [bytes(channelHeader)],
    'common.SignatureHeader': [bytes(signatureHeader)],
    'orderer.SeekInfo': [bytes(seekInfo)],
    'common.Block': [bytes(block)],
    'orderer.DeliverResponse': [bytes(ordererDeliver)],
    'peer.DeliverResponse': [bytes(peerDeliver)],
    'msp.SerializedIdentity': [bytes(identity)],
    'peer.Proposal': [bytes(proposal)],
    'peer.ChaincodeHeaderExtension': [bytes(extension)],
    'peer.ChaincodeProposalPayload': [bytes(proposalPayload)],
    'peer.ChaincodeInvocationSpec': [bytes(invocation)],
    'peer.ProposalResponse': [bytes(proposalResponse)],
    'peer.ProposalResponsePayload': [bytes(responsePayload)],
    'peer.ChaincodeAction': [bytes(action)],
    'peer.Transaction': [bytes(transaction)],
    'peer.ChaincodeActionPayload': [bytes(actionPayload)],
    'peer.ChaincodeEvent': [bytes(event)],
    'rwset.TxReadWriteSet': [bytes(txRwSet)],
    'kvrwset.KVRWSet': [bytes(kv)],
    'orderer.parseEnvelope': [bytes(envelope), bytes(seekEnvelope)],
    'orderer.summariseEnvelope': [bytes(envelope), bytes(seekEnvelope)],
    'link.decodeValue': [encodeValue({ fromSeq: 1, max: 16 }), encodeValue({ from: 1, to: 0, signature: new Uint8Array(64).fill(1) })],
  };
  for (const list of Object.values(seeds)) list.push(freeze);
  return seeds;
}
