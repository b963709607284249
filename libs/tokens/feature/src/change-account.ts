import { buildChangeEvent, type Actor, type ChangeEvent } from '@warden/contracts-events';
import type { Account, AccountRepository } from '@warden/tokens-data-access';

const MAX_WRITE_ATTEMPTS = 5;

export interface AccountChange<Field extends keyof Account> {
  accountId: string;
  field: Field;
  value: Account[Field];
  actor: Actor;
  now: () => Date;
  /** The conditional write of `field` with its event; null when the account moved since it was read. */
  write: (current: Account, value: Account[Field], change: { event: ChangeEvent; now: Date }) => Promise<Account | null>;
}

/**
 * One operator change of one account field: the account and its "Account Updated" event (the name
 * and that field, before and after) in one single-document write, conditional on the revision read,
 * re-read and decided again when another change got there first. The same value again writes
 * nothing (`changed: false`). Null: no such account.
 */
export async function changeAccount<Field extends keyof Account>(
  accounts: Pick<AccountRepository, 'findById'>,
  { accountId, field, value, actor, now, write }: AccountChange<Field>,
): Promise<{ account: Account; changed: boolean } | null> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await accounts.findById(accountId);
    if (!current) return null;
    if (JSON.stringify(current[field]) === JSON.stringify(value)) return { account: current, changed: false };
    const at = now();
    const event = buildChangeEvent({
      accountId,
      objectType: 'Account',
      auditType: 'Updated',
      objectId: accountId,
      actor,
      remoteIp: null,
      prior: { name: current.name, [field]: current[field] },
      after: { name: current.name, [field]: value },
      now: at,
    });
    const written = await write(current, value, { event, now: at });
    if (written) return { account: written, changed: true };
  }
  throw new Error('The account changed while it was being updated; try again.');
}
