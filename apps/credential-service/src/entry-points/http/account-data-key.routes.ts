import { Router } from 'express';
import { AppError, acceptCallers, identityOf, ok, isUuid } from '@warden/http';

/** Where the token service, deleting an account, has its data key destroyed. */
export const ACCOUNT_DATA_KEY_ROUTE = '/internal/v1/accounts/:accountId/data-key';

/**
 * Crypto-shredding, for the token service only (it owns accounts and deletes them): the account's
 * data key is destroyed, so every secret sealed under it, in this database and in any copy of it,
 * can never be opened again, even with the key ring. A repeat finds nothing to destroy and answers
 * the same, so a delete interrupted after this step can be completed.
 */
export function accountDataKeyRoutes({ sealer }: { sealer: { destroyDataKey(accountId: string): Promise<boolean> } }): Router {
  const router = Router();
  router.delete(ACCOUNT_DATA_KEY_ROUTE, acceptCallers('token-service'), async (req, res) => {
    if (identityOf(req).kind !== 'service') throw AppError.forbidden('Only the token service may destroy an account\'s data key.');
    const accountId = String(req.params.accountId);
    if (!isUuid(accountId)) throw AppError.notFound('No account with this id.');
    const destroyed = await sealer.destroyDataKey(accountId);
    res.json(ok({ accountId, destroyed }, [destroyed ? "The account's data key is destroyed." : 'The account has no data key left.']));
  });
  return router;
}
