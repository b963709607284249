/**
 * A permanent registry: producers and consumers in different deploys meet on these names, so a
 * shipped name is never renamed, only added to.
 */
export const AUDIT_EVENTS_QUEUE = 'audit-events';
export const AUDIT_RECORDED_QUEUE = 'audit-recorded';
/** Jobs of `audit-events` the worker refused (not authenticated by their producer): kept, never consumed, for `warden audit quarantined`. */
export const AUDIT_EVENTS_QUARANTINE_QUEUE = 'audit-events-quarantine';
