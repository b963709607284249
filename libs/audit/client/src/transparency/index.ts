/**
 * A verifiable audit log, without storage: RFC 9162 Merkle trees (compact ranges, roots,
 * inclusion and consistency proofs from stored complete subtrees) and C2SP signed notes,
 * checkpoints and cosignatures.
 */
export { EMPTY_ROOT, HASH_BYTES, MissingNodeError, leafHash, nodeHash, nodesForRoot, nodesFromLeaves, rootFromLeaves, rootFromNodes } from './merkle';
export type { GetNode, NodeId, TreeNode } from './merkle';
export { CompactRange } from './compact-range';
export type { AppendResult } from './compact-range';
export {
  consistencyProof,
  consistencyProofFromLeaves,
  inclusionProof,
  inclusionProofFromLeaves,
  nodesForConsistencyProof,
  nodesForInclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './proofs';
export {
  SIGNATURE_TYPE_COSIGNATURE_V1,
  SIGNATURE_TYPE_ED25519,
  ed25519PublicKeyFromRaw,
  formatVerifierKey,
  isValidKeyName,
  noteKeyId,
  parseVerifierKey,
  rawEd25519PublicKey,
  verifierKey,
} from './keys';
export type { SignatureType, VerifierKey } from './keys';
export { MAX_NOTE_SIGNATURES, NoteError, addSignatures, formatNote, formatSignatureLine, openNote, parseNote, signNote, verifyNoteSignature } from './note';
export type { Note, NoteErrorCode, NoteSignature, OpenNoteOptions, OpenedNote, VerifiedSignature } from './note';
export { cosignCheckpoint, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint';
export type { Checkpoint, OpenCheckpointOptions, OpenedCheckpoint } from './checkpoint';
export { cosignatureMessage, cosignatureTimestamp, signCosignature, verifyCosignature } from './cosignature';
