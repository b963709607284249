import { Router } from 'express';
import type { Schemas } from '@warden/contracts-api';
import { AppError, refuseWrongRealm, type AccountScope, OpenApiValidator, callerOf, cursorTime, decodeCursor, encodeCursor, identityOf, list, ok, requireScope, validatedQuery } from '@warden/http';
import type { CreateApiTokenInput, ManageApiTokens, UpdateApiTokenInput } from '../../domain/manage-api-tokens.use-case';
import { apiTokenView } from './api-token.view';

const SHOW_ONCE = 'Store this token now; it will not be shown again.';

/** The public API-token routes, at the same paths the gateway serves them. */
export function apiTokenRoutes({ validator, manage }: { validator: OpenApiValidator; manage: ManageApiTokens }): Router {
  const router = Router();

  router.get('/api/v1/apitokens/verify', validator.validate('verifyApiToken'), async (req, res) => {
    const identity = identityOf(req);
    if (identity.kind !== 'token' || !identity.tokenId || !identity.tokenType) {
      throw AppError.unauthorized('Only an API token can verify itself.');
    }
    const wrongRealm = refuseWrongRealm(identity, false);
    if (wrongRealm) throw wrongRealm;
    // The gateway verified this token on this very request (its version checked in Redis) and
    // signed what it found, so the answer needs no database read.
    const data: Schemas['ApiTokenVerification'] = {
      id: identity.tokenId,
      name: identity.name,
      type: identity.tokenType as Schemas['ApiTokenType'],
      scopes: identity.scopes as AccountScope[],
      accountId: identity.accountId,
      expiresAt: identity.tokenExpiresAt ?? null,
    };
    res.json(ok(data, ['Congratulations, your API Token works.']));
  });

  router.get('/api/v1/apitokens', requireScope('tokens:read'), validator.validate('listApiTokens'), async (req, res) => {
    const query = validatedQuery<{ limit: number; cursor?: string; name?: string }>(res);
    const position = query.cursor ? decodeCursor<{ createdAt: number; id: string }>(query.cursor, ['createdAt', 'id']) : undefined;
    const page = await manage.list(callerOf(identityOf(req)), {
      name: query.name,
      limit: query.limit,
      after: position ? { createdAt: cursorTime(position.createdAt), id: position.id } : undefined,
    });
    const next = page.next ? encodeCursor({ createdAt: page.next.createdAt.getTime(), id: page.next.id }) : null;
    res.json(list(page.items.map(apiTokenView), next));
  });

  router.post('/api/v1/apitokens', requireScope('tokens:write'), validator.validate('createApiToken'), async (req, res) => {
    const { token, secret } = await manage.create(callerOf(identityOf(req)), req.body as CreateApiTokenInput);
    const data: Schemas['CreatedApiToken'] = { ...apiTokenView(token), token: secret };
    res.status(201).json(ok(data, [SHOW_ONCE]));
  });

  router.get('/api/v1/apitokens/:id', requireScope('tokens:read'), validator.validate('getApiToken'), async (req, res) => {
    res.json(ok(apiTokenView(await manage.get(callerOf(identityOf(req)), String(req.params.id)))));
  });

  router.patch('/api/v1/apitokens/:id', requireScope('tokens:write'), validator.validate('updateApiToken'), async (req, res) => {
    const token = await manage.update(callerOf(identityOf(req)), String(req.params.id), req.body as UpdateApiTokenInput);
    res.json(ok(apiTokenView(token), ['API token updated.']));
  });

  router.post('/api/v1/apitokens/:id/rotate', requireScope('tokens:write'), validator.validate('rotateApiToken'), async (req, res) => {
    const body = req.body as Schemas['RotateApiTokenRequest'];
    const { token, secret, previousSecretExpiresAt } = await manage.rotate(callerOf(identityOf(req)), String(req.params.id), body.gracePeriodSeconds ?? 0);
    const data: Schemas['RotatedApiToken'] = { ...apiTokenView(token), token: secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
    res.json(ok(data, [SHOW_ONCE]));
  });

  router.post('/api/v1/apitokens/:id/reveal', requireScope('tokens:reveal'), validator.validate('revealApiToken'), async (req, res) => {
    const id = String(req.params.id);
    const data: Schemas['RevealedApiToken'] = { id, token: await manage.reveal(callerOf(identityOf(req)), id) };
    res.json(ok(data, ['This reveal has been recorded in the audit trail.']));
  });

  router.delete('/api/v1/apitokens/:id', requireScope('tokens:write'), validator.validate('revokeApiToken'), async (req, res) => {
    const id = String(req.params.id);
    await manage.revoke(callerOf(identityOf(req)), id);
    const data: Schemas['DeletedObject'] = { id, deleted: true };
    res.json(ok(data, ['API token revoked.']));
  });

  return router;
}
