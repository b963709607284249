import { Router } from 'express';
import type { Schemas } from '@warden/contracts-api';
import { OpenApiValidator, callerOf, cursorTime, decodeCursor, encodeCursor, identityOf, list, ok, requireScope, validatedQuery } from '@warden/http';
import type { Account, AccountFields } from '@warden/tokens-data-access';
import type { PlatformAccounts } from '../../domain/platform-accounts.use-case';

/** An account as the platform sees it. */
export function platformAccountView(account: Account): Schemas['PlatformAccount'] {
  return {
    id: account._id,
    name: account.name,
    enabled: account.enabled,
    rateLimit: account.rateLimit,
    createdAt: account.createdAt.toISOString(),
    updatedAt: (account.updatedAt ?? account.createdAt).toISOString(),
  };
}

/** The platform API's account routes: only platform tokens reach them (`requireScope` refuses an account's). */
export function platformAccountRoutes({ validator, accounts }: { validator: OpenApiValidator; accounts: PlatformAccounts }): Router {
  const router = Router();
  const read = requireScope('platform:accounts:read');
  const write = requireScope('platform:accounts:write');

  router.get('/api/v1/platform/accounts', read, validator.validate('listPlatformAccounts'), async (_req, res) => {
    const query = validatedQuery<{ limit: number; cursor?: string; name?: string; status?: Schemas['PlatformAccountStatus'] }>(res);
    const position = query.cursor ? decodeCursor<{ createdAt: number; id: string }>(query.cursor, ['createdAt', 'id']) : undefined;
    const items = await accounts.list({
      name: query.name,
      enabled: query.status === undefined ? undefined : query.status === 'enabled',
      limit: query.limit + 1,
      after: position ? { createdAt: cursorTime(position.createdAt), id: position.id } : undefined,
    });
    const page = items.slice(0, query.limit);
    const last = page.at(-1);
    const next = items.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt.getTime(), id: last._id }) : null;
    res.json(list(page.map(platformAccountView), next));
  });

  router.post('/api/v1/platform/accounts', write, validator.validate('createPlatformAccount'), async (req, res) => {
    const { name } = req.body as Schemas['CreatePlatformAccountRequest'];
    const { created, account } = await accounts.create(callerOf(identityOf(req)), name);
    const data: Schemas['CreatedPlatformAccount'] = { account: platformAccountView(account), tokenId: created.token._id, token: created.secret };
    res.status(201).json(ok(data, ['Store this token now; it will not be shown again.']));
  });

  router.get('/api/v1/platform/accounts/:id', read, validator.validate('getPlatformAccount'), async (req, res) => {
    res.json(ok(platformAccountView(await accounts.get(String(req.params.id)))));
  });

  router.patch('/api/v1/platform/accounts/:id', write, validator.validate('updatePlatformAccount'), async (req, res) => {
    const account = await accounts.update(callerOf(identityOf(req)), String(req.params.id), req.body as AccountFields);
    res.json(ok(platformAccountView(account), ['Account updated.']));
  });

  router.delete('/api/v1/platform/accounts/:id', write, validator.validate('deletePlatformAccount'), async (req, res) => {
    const id = String(req.params.id);
    await accounts.delete(callerOf(identityOf(req)), id);
    const data: Schemas['DeletedObject'] = { id, deleted: true };
    res.json(ok(data, ['Account deleted; its tokens are revoked and its credentials shredded.']));
  });

  return router;
}
