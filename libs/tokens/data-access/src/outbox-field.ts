import { Schema } from 'mongoose';

/** Change events waiting for the relay; built and validated by `buildChangeEvent`, stored as they are. */
export const outboxField = { type: [Schema.Types.Mixed], default: [] } as any;
