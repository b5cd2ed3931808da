/**
 * Block delivery: pulling blocks from the BFT orderer replicas (quorum-signed, hash-chained,
 * switching replica on failure or withholding) and the validate-then-commit pipeline.
 */
export { BlockPuller, type BlockPullerOptions, type SeekSigner } from './adapters/block-puller.js';
export { acceptBlock, chainTipOf, type BlockAcceptance, type ChainTip } from './block-acceptance.js';
export { Committer, type CommitTarget, type CommitterOptions } from './committer.js';
export { DeliveryError, DELIVERY_ERROR_CODES, type DeliveryErrorCode } from './delivery-error.js';
export { ReplicaRotation, type RotationChoice, type RotationOptions, type SwitchDecision } from './replica-rotation.js';
export { SWITCH_REASONS, type SwitchReason } from './switch-reason.js';
