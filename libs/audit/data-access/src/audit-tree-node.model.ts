import { Schema, type Connection, type Model } from 'mongoose';
import { refuseChanges } from './audit-record.model';

/**
 * One complete subtree of an account's RFC 9162 Merkle tree over its audit records: the node at
 * `level` (0 = a leaf) and `index` (its position among the nodes of that level) covers leaves
 * `[index * 2^level, (index + 1) * 2^level)`, leaf i being the record with seq i + 1. Written once
 * by the checkpointer before it signs a tree that holds it; never changed.
 */
export interface AuditTreeNodeDoc {
  accountId: string;
  level: number;
  index: number;
  /** SHA-256, lowercase hex. */
  hash: string;
  /** `<accountId>/<level>/<index>`: how a proof looks the node up (an equality, record-layout.ts). */
  node: string;
  /**
   * For a node of the lowest stored level (a block of 256 leaves): the leaf hashes under it, hex,
   * concatenated. A proof computes the nodes below from them instead of reading the block's records.
   */
  leaves?: string;
}

export const auditTreeNodeSchema = new Schema<AuditTreeNodeDoc>(
  {
    accountId: { type: String, required: true },
    level: { type: Number, required: true },
    index: { type: Number, required: true },
    hash: { type: String, required: true },
    node: { type: String, required: true },
    leaves: { type: String },
  },
  { collection: 'audit_tree_nodes', versionKey: false, strict: 'throw' },
);
// A node is stored once: replicas that extend the same tree at once insert the same documents.
auditTreeNodeSchema.index({ accountId: 1, level: 1, index: 1 }, { unique: true });
auditTreeNodeSchema.index({ node: 1 });
refuseChanges(auditTreeNodeSchema, 'AuditTreeNode');

export function auditTreeNodeModel(connection: Connection): Model<AuditTreeNodeDoc> {
  return (
    (connection.models.AuditTreeNode as Model<AuditTreeNodeDoc> | undefined) ?? connection.model<AuditTreeNodeDoc>('AuditTreeNode', auditTreeNodeSchema)
  );
}
