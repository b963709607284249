import { Router } from 'express';
import { PLATFORM_CHAIN } from '@warden/contracts-events';
import { OpenApiValidator, requireScope, validatedQuery } from '@warden/http';
import type { ReadAuditDeps } from '../../domain/read-audit.use-case';
import { exportChain, listRecords } from './audit.routes';

/**
 * The platform's audit chain for platform tokens (`requireScope` refuses an account's): read it,
 * and export it, or any account's chain, deleted accounts included, to verify offline.
 */
export function platformAuditRoutes(deps: ReadAuditDeps, validator: OpenApiValidator): Router {
  const router = Router();
  const scope = requireScope('platform:accounts:read');
  router.get('/api/v1/platform/audit', scope, validator.validate('listPlatformAuditRecords'), listRecords(deps, () => PLATFORM_CHAIN));
  router.get(
    '/api/v1/platform/audit/export',
    scope,
    validator.validate('exportPlatformAudit'),
    exportChain(deps, (_req, res) => validatedQuery<{ accountId?: string }>(res).accountId ?? PLATFORM_CHAIN),
  );
  return router;
}
