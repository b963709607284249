export { AppError } from './app-error';
export type { FieldError, ProblemInit } from './app-error';
export { ok, list } from './envelope';
export type { Envelope, ListEnvelope } from './envelope';
export { errorHandler, notFoundHandler, sendProblem, PROBLEM_CONTENT_TYPE } from './problem';
export { requestId, REQUEST_ID_HEADER } from './request-id';
export { requestFrame } from './request-frame';
export { jsonBody } from './json-body';
export { OpenApiValidator, validatedQuery } from './openapi-validator';
export {
  IdentitySigner,
  IdentityVerifier,
  bodyDigest,
  requireInternalIdentity,
  acceptCallers,
  requireScope,
  isPlatformIdentity,
  refuseWrongRealm,
  identityOf,
  IDENTITY_HEADER,
  EMPTY_BODY_DIGEST,
  GATEWAY,
  ALL_SCOPES,
} from './internal-identity';
export type { Identity, BoundRequest, VerifiedIdentity, RateLimitValue, Scope, AccountScope, PlatformScope } from './internal-identity';
export { publicOpsRoutes, adminOpsRoutes, createMetrics } from './ops-routes';
export { createAdminApp } from './admin-app';
export type { AdminAppOptions } from './admin-app';
export type { Metrics, ReadinessCheck } from './ops-routes';
export { runService } from './run-service';
export type { ComposedService, ServiceEntryPoint } from './run-service';
export { createHttpServer, createServicePool, listen, closeServer, serverTimeouts, SERVER_KEEP_ALIVE_MS, CLIENT_KEEP_ALIVE_MS, type ServerTimeouts } from './http-server';
export type { TlsFiles } from './http-server';
export { createServiceApp } from './service-app';
export type { ServiceAppOptions, ServiceApps } from './service-app';
export { encodeCursor, decodeCursor, cursorTime } from './cursor';
export { callerOf } from './caller';
export type { Caller, CallerLimits } from './caller';
export { isUuid } from './uuid';
