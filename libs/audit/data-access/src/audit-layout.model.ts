import { Schema, type Connection, type Model } from 'mongoose';
import type { MarkerDoc } from './record-layout';

/**
 * Which tiles hold a record with a given filter value (record-layout.ts). Insert-only, one
 * document per (account, key, tile) and per (account, key, group): replicas that write the same
 * marker at once insert the same document, and nothing is ever updated.
 */
export const auditMarkerSchema = new Schema<MarkerDoc>(
  { _id: { type: String, required: true }, key: { type: String, required: true }, n: { type: Number, required: true } },
  { collection: 'audit_record_markers', versionKey: false, strict: 'throw' },
);
auditMarkerSchema.index({ key: 1 });

export function auditMarkerModel(connection: Connection): Model<MarkerDoc> {
  return (connection.models.AuditMarker as Model<MarkerDoc> | undefined) ?? connection.model<MarkerDoc>('AuditMarker', auditMarkerSchema);
}

/**
 * A hint of each account's newest seq, raised after every append. Only a hint: a store that does
 * not apply concurrent updates to one document atomically may keep a lower value, and an attacker
 * may change it, so readers find the real head by probing the records from it.
 */
export interface ChainHeadHintDoc {
  _id: string;
  seq: number;
}

export const chainHeadHintSchema = new Schema<ChainHeadHintDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'audit_chain_heads', versionKey: false, strict: 'throw' },
);

export function chainHeadHintModel(connection: Connection): Model<ChainHeadHintDoc> {
  return (connection.models.ChainHeadHint as Model<ChainHeadHintDoc> | undefined) ?? connection.model<ChainHeadHintDoc>('ChainHeadHint', chainHeadHintSchema);
}
