/** The committer's block validation: Fabric's transaction validation codes for every transaction of a block. */
export type {
  BlockValidation, CommittedChaincodeEvent, KeyMetadataWrite, KeyWrite, NamespacePolicy, NamespaceWrites, ValidatedTransaction,
  ValidationContext,
} from './block-validation.js';
export { validateBlock } from './validate-block.js';
export { ValidationError, VALIDATION_ERROR_CODES, type ValidationErrorCode } from './validation-error.js';
export { proposalHash } from './proposal-hash.js';
export { VALIDATION_PARAMETER } from './endorsement-check.js';
export { BlockOverlay } from './block-overlay.js';
export { compareKeys } from './byte-order.js';
