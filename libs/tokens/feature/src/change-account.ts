import type { Account, AccountFields, AccountRepository } from '@warden/tokens-data-access';
import { accountChangeEvents, type AccountChangeSource } from './account-events';

const MAX_WRITE_ATTEMPTS = 5;

/** What a change shows of an account before and after: its name always, and each field that changed. */
function snapshot(account: Account, fields: (keyof AccountFields)[]): Record<string, unknown> {
  return Object.fromEntries([['name', account.name], ...fields.map((field) => [field, account[field]])]);
}

/**
 * One operator change of an account's fields: the account and its "Account Updated" events (its
 * name and each changed field, before and after) in one single-document write, conditional on the
 * revision read, re-read and decided again when another change got there first. Fields that already
 * hold their value are left out; none left writes nothing (`changed: false`). Null: no such account
 * (or a deleted one).
 */
export async function changeAccount(
  accounts: Pick<AccountRepository, 'findById' | 'change'>,
  { accountId, fields, now, ...source }: { accountId: string; fields: AccountFields; now: () => Date } & AccountChangeSource,
): Promise<{ account: Account; changed: boolean } | null> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await accounts.findById(accountId);
    if (!current) return null;
    const changes = Object.fromEntries(Object.entries(fields).filter(([field, value]) => value !== undefined && JSON.stringify(current[field as keyof AccountFields]) !== JSON.stringify(value))) as AccountFields;
    const changed = Object.keys(changes) as (keyof AccountFields)[];
    if (changed.length === 0) return { account: current, changed: false };
    const at = now();
    const events = accountChangeEvents({ accountId, auditType: 'Updated', prior: snapshot(current, changed), after: snapshot({ ...current, ...changes }, changed), now: at, ...source });
    const written = await accounts.change(current, changes, { events, now: at });
    if (written) return { account: written, changed: true };
  }
  throw new Error('The account changed while it was being updated; try again.');
}
