import type { Connection, Model } from 'mongoose';
import type { ChangeEvent } from '@warden/contracts-events';
import { accountModel, type AccountDoc } from './account.model';
import { exclusiveWrite } from '@warden/data';

/** Accounts: created together with their "Account Created" event in one insert. */
export class AccountRepository {
  readonly model: Model<AccountDoc>;

  constructor(connection: Connection) {
    this.model = accountModel(connection);
  }

  async insert(account: Omit<AccountDoc, 'outbox'>, event: ChangeEvent): Promise<AccountDoc> {
    await exclusiveWrite(this.model, () => this.model.create({ ...account, outbox: [event] }));
    return { ...account, outbox: [event] };
  }

  async findById(id: string): Promise<AccountDoc | null> {
    return this.model.findById(id).lean<AccountDoc>();
  }
}
