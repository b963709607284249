import { Router } from 'express';
import { AppError, acceptCallers, callerOf, identityOf, ok } from '@warden/http';
import type { CredentialsUseCase } from '../../domain/credentials.use-case';

/**
 * For Warden's own services (never proxied by the gateway): a credential's properties and
 * decrypted secrets, for the internal callers `readers` names (`SECRET_READERS`), each with a key
 * of its own for this service. Each read is audited as `Revealed` with the service as actor.
 */
export function internalRoutes({ credentials, readers }: { credentials: CredentialsUseCase; readers: string[] }): Router {
  const router = Router();
  router.get('/internal/v1/credentials/:idOrMoniker/secrets', acceptCallers(...readers), async (req, res) => {
    const identity = identityOf(req);
    if (identity.kind !== 'service') throw AppError.forbidden('Only internal services may read credential secrets here.');
    const revealed = await credentials.reveal(callerOf(identity), String(req.params.idOrMoniker));
    res.set('Cache-Control', 'no-store').json(ok(revealed, ['This read has been recorded in the audit trail.']));
  });
  return router;
}
