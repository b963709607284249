/**
 * A permanent registry: producers and consumers in different deploys meet on these names, so a
 * shipped name is never renamed, only added to.
 */
export const AUDIT_EVENTS_QUEUE = 'audit-events';
export const AUDIT_RECORDED_QUEUE = 'audit-recorded';
