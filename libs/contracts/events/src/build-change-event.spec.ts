import { buildChangeEvent } from './build-change-event';
import { changeEventSchema } from './change-event';

const base = {
  accountId: 'acc-1',
  objectType: 'ApiToken',
  objectId: 'tok-1',
  actor: { type: 'token' as const, id: 'tok-0', name: 'ci' },
  remoteIp: '203.0.113.1',
};

describe('buildChangeEvent', () => {
  it('shapes an update as prior and after', () => {
    const event = buildChangeEvent({ ...base, auditType: 'Updated', prior: { name: 'a' }, after: { name: 'b' } });
    expect(event.detail).toEqual({ update: { prior: { name: 'a' }, after: { name: 'b' } }, auditType: 'Updated', auditObject: 'ApiToken' });
    expect(changeEventSchema.parse(event)).toEqual(event);
    expect(event.username).toBe('ci');
  });

  it('shapes creates and deletes', () => {
    expect(buildChangeEvent({ ...base, auditType: 'Created', after: { name: 'a' } }).detail.create).toEqual({ after: { name: 'a' } });
    expect(buildChangeEvent({ ...base, auditType: 'Deleted', prior: { name: 'a' } }).detail.delete).toEqual({ prior: { name: 'a' } });
  });

  it('gives every event its own id', () => {
    expect(buildChangeEvent({ ...base, auditType: 'Created' }).id).not.toBe(buildChangeEvent({ ...base, auditType: 'Created' }).id);
  });
});
