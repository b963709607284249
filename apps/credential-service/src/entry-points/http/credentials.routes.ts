import { Router, type RequestHandler } from 'express';
import { AppError, callerOf, cursorTime, decodeCursor, encodeCursor, identityOf, list, ok, requireScope, validatedQuery, type OpenApiValidator } from '@warden/http';
import { type CreateCredentialInput, type CredentialsUseCase, type UpdateCredentialInput } from '../../domain/credentials.use-case';
import { CREDENTIAL_TYPES } from '../../domain/credential-types';
import { credentialSummaryView, credentialView } from './credential.view';

const TYPE_LIST = CREDENTIAL_TYPES.join(', ');

/**
 * `type` picks the branch of CreateCredentialRequest's oneOf before the document's validator runs
 * (it then checks that branch only), so a wrong or missing type is one error naming `body.type`.
 */
function validateCreate(validator: OpenApiValidator): RequestHandler {
  const validate = validator.validate('createCredential');
  return (req, res, next) => {
    const body = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body) && !(CREDENTIAL_TYPES as readonly unknown[]).includes(body.type)) {
      const message = body.type === undefined ? 'is required' : `must be one of: ${TYPE_LIST}`;
      next(AppError.badRequest('The request body is invalid.', [{ path: 'body.type', message }]));
      return;
    }
    validate(req, res, (error?: unknown) => {
      if (error instanceof AppError && error.errors) {
        // `not: {const: types}` reads as "must NOT be valid"; say what it means.
        const errors = error.errors.map((e) => (e.path === 'body.moniker' && e.message === 'must NOT be valid' ? { ...e, message: "'types' is reserved" } : e));
        next(AppError.badRequest(error.message, errors));
        return;
      }
      next(error);
    });
  };
}

interface ListCursor extends Record<string, string | number> {
  createdAt: number;
  id: string;
}

/** The public credential routes, at the same paths the gateway serves. */
export function credentialRoutes({ credentials, validator }: { credentials: CredentialsUseCase; validator: OpenApiValidator }): Router {
  const router = Router();
  const read = requireScope('credentials:read');
  const write = requireScope('credentials:write');

  router.get('/api/v1/credentials/types', read, validator.validate('listCredentialTypes'), (_req, res) => {
    res.json(ok(credentials.listTypes()));
  });

  router.get('/api/v1/credentials', read, validator.validate('listCredentials'), async (req, res) => {
    const query = validatedQuery<{ limit: number; cursor?: string }>(res);
    const after = query.cursor ? decodeCursor<ListCursor>(query.cursor, ['createdAt', 'id']) : undefined;
    // A 400 unless the position is an instant a Date can hold (1e300 is finite, yet no date).
    if (after) cursorTime(after.createdAt);
    const page = await credentials.list(callerOf(identityOf(req)), query.limit, after);
    res.json(list(page.items.map(credentialSummaryView), page.next ? encodeCursor(page.next) : null));
  });

  router.post('/api/v1/credentials', write, validateCreate(validator), async (req, res) => {
    const created = await credentials.create(callerOf(identityOf(req)), req.body as CreateCredentialInput);
    res.status(201).json(ok(credentialView(created), ['Credential created.']));
  });

  router.get('/api/v1/credentials/:idOrMoniker', read, validator.validate('getCredential'), async (req, res) => {
    res.json(ok(credentialView(await credentials.get(callerOf(identityOf(req)), String(req.params.idOrMoniker)))));
  });

  router.patch('/api/v1/credentials/:idOrMoniker', write, validator.validate('updateCredential'), async (req, res) => {
    const updated = await credentials.update(callerOf(identityOf(req)), String(req.params.idOrMoniker), req.body as UpdateCredentialInput);
    res.json(ok(credentialView(updated), ['Credential updated.']));
  });

  router.delete('/api/v1/credentials/:idOrMoniker', write, validator.validate('deleteCredential'), async (req, res) => {
    res.json(ok(await credentials.delete(callerOf(identityOf(req)), String(req.params.idOrMoniker)), ['Credential deleted.']));
  });

  router.post('/api/v1/credentials/:idOrMoniker/reveal', requireScope('credentials:reveal'), validator.validate('revealCredential'), async (req, res) => {
    const { id, moniker, type, secrets } = await credentials.reveal(callerOf(identityOf(req)), String(req.params.idOrMoniker));
    res.set('Cache-Control', 'no-store').json(ok({ id, moniker, type, secrets }, ['This reveal has been recorded in the audit trail.']));
  });

  return router;
}
