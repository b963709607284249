import ipaddr from 'ipaddr.js';
import { AppError, type Caller, type FieldError, isUuid } from '@warden/http';
import { buildChangeEvent, type AuditType } from '@warden/contracts-events';
import type { Schemas } from '@warden/contracts-api';
import { generateTokenSecret, tokenHint } from '@warden/api-token';
import { DataKeyUnavailableError, SealMismatchError } from '@warden/envelope';
import {
  apiTokenSnapshot,
  hashTokenSecret,
  sameSecretHash,
  type ApiTokenChanges,
  type ApiTokenDoc,
  type ApiTokenRepository,
  type ListPosition,
  type TokenSecretSealer,
} from '@warden/tokens-data-access';
import { issueApiToken, type TokenVersionSignal } from '@warden/tokens-feature';
import { callerBounds, refuseBroaderRequest, refuseBroaderTarget } from './attenuation';

export type CreateApiTokenInput = Schemas['CreateApiTokenRequest'];
export type UpdateApiTokenInput = Schemas['UpdateApiTokenRequest'];

export interface ManageApiTokensDeps {
  tokens: ApiTokenRepository;
  versions: TokenVersionSignal;
  hashKey: string;
  /** The outbox relay, kicked after each write (with the document written) so events go out at once. */
  outbox?: { kick(documentId?: unknown): void };
  clock?: () => Date;
  /** Live (not revoked) tokens an account may hold; creating one more is `409`. */
  maxTokensPerAccount: number;
  /** Seals and opens the secrets of recoverable tokens (`TOKEN_ENCRYPTION_KEYS`). */
  sealer?: TokenSecretSealer;
}

/** Settings whose change alters what a secret may do: each bumps `authVersion`. */
const AUTH_FIELDS = ['enabled', 'scopes', 'allowedIps', 'expiresAt', 'rateLimit'] as const;
const MAX_PREVIOUS_SECRETS = 5;
const MAX_WRITE_ATTEMPTS = 5;

function same(a: unknown, b: unknown): boolean {
  const normal = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

function checkAllowedIps(ips: string[] | undefined): void {
  const errors: FieldError[] = [];
  (ips ?? []).forEach((value, i) => {
    const valid = value.includes('/') ? ipaddr.isValidCIDR(value) : ipaddr.isValid(value);
    if (!valid) errors.push({ path: `body.allowedIps[${i}]`, message: 'must be an IPv4/IPv6 address or CIDR range' });
  });
  if (errors.length > 0) throw AppError.badRequest('The request body is invalid.', errors);
}

function parseExpiry(value: string | null | undefined, now: Date): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const expiresAt = new Date(value);
  if (!(expiresAt.getTime() > now.getTime())) {
    throw AppError.badRequest('The request body is invalid.', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  }
  return expiresAt;
}

export const NOT_RECOVERABLE = 'This API token is not recoverable; its secret was shown once at creation.';

/** A stored secret that does not open, or no longer matches the token, as the 500 that says so (never any material). */
function unreadableSecret(tokenId: string, cause: string): AppError {
  return new AppError({ status: 500, title: 'Internal Server Error', detail: `The stored secret of API token ${tokenId} cannot be revealed: ${cause}.` });
}

/** A token's settings as its events record them: a recoverable token's, or one turned off, say so (never the secret). */
function snapshotOf(token: Parameters<typeof apiTokenSnapshot>[0] & Pick<ApiTokenDoc, 'sealedSecret'>): Record<string, unknown> {
  return { ...apiTokenSnapshot(token), ...(token.sealedSecret !== undefined ? { recoverable: token.sealedSecret !== null } : {}) };
}

/** What one conditional write changes, and the event that says so. */
interface WriteDecision {
  changes: ApiTokenChanges;
  auditType: AuditType;
  bumpAuthVersion: boolean;
  extra?: Record<string, unknown>;
}

/** Seconds a client waits before repeating a change whose signal Redis did not take. */
export const SIGNAL_RETRY_AFTER_SECONDS = 5;

/**
 * A change that is stored but not yet in force on every gateway replica: the version signal did not
 * reach Redis. Repeating the request sends it (and completes the change); until then a replica may
 * still honour the token's previous state from its cache.
 */
function notInForceYet(): AppError {
  return AppError.serviceUnavailable(
    'The change is saved, but Redis did not take the signal that puts it in force on every gateway; repeat the request to complete it.',
    SIGNAL_RETRY_AFTER_SECONDS,
  );
}

/** Resolves once the signal is stored; a signal Redis did not take is `503` with `Retry-After`. */
async function acknowledged(signal: Promise<boolean>): Promise<void> {
  if (!(await signal)) throw notInForceYet();
}

/**
 * Creating, reading, changing, rotating and revoking an account's API tokens. Every change is one
 * single-document write carrying its audit event; an auth-affecting change then raises the token's
 * version in Redis before the caller hears back, so gateways stop honouring the old state at once.
 */
export class ManageApiTokens {
  private readonly now: () => Date;

  constructor(private readonly deps: ManageApiTokensDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  async create(caller: Caller, input: CreateApiTokenInput): Promise<{ token: ApiTokenDoc; secret: string }> {
    const now = this.now();
    checkAllowedIps(input.allowedIps);
    const expiresAt = parseExpiry(input.expiresAt, now);
    // A new token stays within the caller on every axis; what the request leaves out is the caller's own.
    const bounds = callerBounds(caller);
    refuseBroaderRequest(bounds, { scopes: input.scopes, allowedIps: input.allowedIps, expiresAt, rateLimit: input.rateLimit });
    await this.refuseOverCap(caller.accountId);
    return issueApiToken(
      this.deps,
      caller,
      {
        name: input.name,
        type: input.type ?? 'api',
        enabled: input.enabled ?? true,
        scopes: input.scopes ?? [...caller.scopes],
        allowedIps: input.allowedIps ?? bounds.inherited.allowedIps,
        expiresAt: expiresAt === undefined ? bounds.inherited.expiresAt : expiresAt,
        rateLimit: input.rateLimit === undefined ? bounds.inherited.rateLimit : input.rateLimit,
      },
      now,
      { recoverable: input.recoverable === true },
    );
  }

  async list(caller: Caller, query: { name?: string; limit: number; after?: ListPosition }): Promise<{ items: ApiTokenDoc[]; next: ListPosition | null }> {
    const page = await this.deps.tokens.list({ accountId: caller.accountId, name: query.name, after: query.after, limit: query.limit + 1 });
    const items = page.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, next: page.length > query.limit && last ? { createdAt: last.createdAt, id: last._id } : null };
  }

  async get(caller: Caller, id: string): Promise<ApiTokenDoc> {
    return this.find(caller, id);
  }

  async update(caller: Caller, id: string, input: UpdateApiTokenInput): Promise<ApiTokenDoc> {
    checkAllowedIps(input.allowedIps);
    const expiresAt = parseExpiry(input.expiresAt, this.now());
    // Every value the request sets stays within the caller; the values it leaves out are the
    // target's own, which must lie within the caller too (checked once the target is read).
    refuseBroaderRequest(callerBounds(caller), { scopes: input.scopes, allowedIps: input.allowedIps, expiresAt, rateLimit: input.rateLimit });
    return this.write(caller, id, (current) => {
      refuseBroaderTarget(caller, current, 'change');
      const wanted: ApiTokenChanges = {
        name: input.name,
        enabled: input.enabled,
        scopes: input.scopes,
        allowedIps: input.allowedIps,
        expiresAt,
        rateLimit: input.rateLimit,
      };
      const changes = Object.fromEntries(
        Object.entries(wanted).filter(([field, value]) => value !== undefined && !same(value, current[field as keyof ApiTokenDoc])),
      ) as ApiTokenChanges;
      // Turning recoverability off erases the sealed secret for good (null, so later events still say "not recoverable").
      if (input.recoverable === false && current.sealedSecret) changes.sealedSecret = null;
      if (Object.keys(changes).length === 0) return undefined;
      return { changes, auditType: 'Updated', bumpAuthVersion: AUTH_FIELDS.some((field) => field in changes) };
    }, AUTH_FIELDS.some((field) => input[field] !== undefined));
  }

  async rotate(caller: Caller, id: string, gracePeriodSeconds = 0): Promise<{ token: ApiTokenDoc; secret: string; previousSecretExpiresAt: Date }> {
    const secret = generateTokenSecret();
    let previousSecretExpiresAt = this.now();
    const token = await this.write(caller, id, async (current, now) => {
      // Rotating hands the caller a secret with every power of the token: it must hold no more than the caller.
      refuseBroaderTarget(caller, current, 'rotate');
      // A recoverable token stays recoverable: its new secret is sealed in the same write (the previous one is not kept).
      const sealedSecret = current.sealedSecret ? await this.requireSealer().seal(current.accountId, current._id, secret) : undefined;
      previousSecretExpiresAt = new Date(now.getTime() + gracePeriodSeconds * 1000);
      const stillValid = gracePeriodSeconds > 0 ? current.previousSecrets.filter((previous) => previous.expiresAt > now) : [];
      const previousSecrets =
        gracePeriodSeconds > 0 ? [{ hash: current.secretHash, expiresAt: previousSecretExpiresAt }, ...stillValid].slice(0, MAX_PREVIOUS_SECRETS) : [];
      return {
        changes: { secretHash: hashTokenSecret(secret, this.deps.hashKey), hint: tokenHint(secret), previousSecrets, ...(sealedSecret ? { sealedSecret } : {}) },
        auditType: 'Rotated',
        bumpAuthVersion: true,
        extra: { rotation: { gracePeriodSeconds, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() } },
      };
    });
    return { token, secret, previousSecretExpiresAt };
  }

  /**
   * A recoverable token's secret in clear, for a caller that holds at least what the token holds (or
   * the token itself). The `Revealed` event (no secret) is stored before the secret leaves the
   * service, so there is no reveal without its audit record.
   */
  async reveal(caller: Caller, id: string): Promise<string> {
    const current = await this.find(caller, id);
    refuseBroaderTarget(caller, current, 'reveal');
    if (!current.sealedSecret) throw AppError.conflict(NOT_RECOVERABLE);
    const secret = await this.openSecret(current, current.sealedSecret);
    const event = this.event(caller, 'Revealed', id, { now: this.now() });
    if (!(await this.deps.tokens.appendEvent(current, event))) throw AppError.notFound('No API token with this id.');
    this.deps.outbox?.kick(id);
    return secret;
  }

  /** Opens a sealed secret and checks, in constant time, that it is the one the token authenticates with now. */
  private async openSecret(token: ApiTokenDoc, sealed: NonNullable<ApiTokenDoc['sealedSecret']>): Promise<string> {
    let secret: string;
    try {
      secret = await this.requireSealer().open(token.accountId, token._id, sealed);
    } catch (error) {
      if (error instanceof SealMismatchError) throw unreadableSecret(token._id, 'it does not open for this token (tampered with or copied from another token)');
      if (error instanceof DataKeyUnavailableError) throw unreadableSecret(token._id, error.reason === 'destroyed' ? "the account's token data key was destroyed" : "the account's token data key does not open with the key ring");
      throw error;
    }
    if (!sameSecretHash(hashTokenSecret(secret, this.deps.hashKey), token.secretHash)) throw unreadableSecret(token._id, 'it is not the secret the token authenticates with');
    return secret;
  }

  private requireSealer(): TokenSecretSealer {
    if (!this.deps.sealer) throw new Error('recoverable tokens need TOKEN_ENCRYPTION_KEYS');
    return this.deps.sealer;
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    // A revoke whose signal did not reach Redis left its tombstone: repeating the call sends the signal.
    const kept = isUuid(id) ? await this.deps.tokens.findKeptTombstone(caller.accountId, id) : null;
    if (kept) return this.signalRevoked(caller.accountId, id);
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.find(caller, id);
      refuseBroaderTarget(caller, current, 'revoke');
      const now = this.now();
      const event = this.event(caller, 'Deleted', id, { prior: snapshotOf(current), now });
      const revoked = await this.deps.tokens.revoke(current, { event, now });
      if (!revoked) continue;
      this.deps.outbox?.kick(id);
      return this.signalRevoked(caller.accountId, id);
    }
    throw AppError.conflict('The API token changed while it was being revoked; try again.');
  }

  /** "revoked" in Redis, then the tombstone may go; without Redis, 503 and the tombstone stays for the repeat. */
  private async signalRevoked(accountId: string, id: string): Promise<void> {
    await acknowledged(this.deps.versions.revoke(accountId, id));
    await this.deps.tokens.releaseTombstone(id);
  }

  /** An account holds at most `maxTokensPerAccount` live tokens, so that per-token quotas cannot multiply without end. */
  private async refuseOverCap(accountId: string): Promise<void> {
    const live = await this.deps.tokens.countLive(accountId);
    if (live >= this.deps.maxTokensPerAccount) {
      throw AppError.conflict(`This account already holds ${live} live API tokens, the most it may hold (${this.deps.maxTokensPerAccount}); revoke one first.`);
    }
  }

  private async find(caller: Caller, id: string): Promise<ApiTokenDoc> {
    const token = isUuid(id) ? await this.deps.tokens.findForAccount(caller.accountId, id) : null;
    if (!token) throw AppError.notFound('No API token with this id.');
    return token;
  }

  /** Read, decide, write conditionally on the revision read; on a concurrent write, decide again. */
  private async write(
    caller: Caller,
    id: string,
    decide: (current: ApiTokenDoc, now: Date) => WriteDecision | undefined | Promise<WriteDecision | undefined>,
    resignalUnchanged = false,
  ): Promise<ApiTokenDoc> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.find(caller, id);
      const now = this.now();
      const decision = await decide(current, now);
      if (!decision) {
        // Nothing to change: this may repeat a change whose signal Redis did not take, so send it again.
        if (resignalUnchanged) await acknowledged(this.deps.versions.publish(caller.accountId, id, current.authVersion));
        return current;
      }
      const { changes, auditType, bumpAuthVersion, extra } = decision;
      const event = this.event(caller, auditType, id, {
        prior: snapshotOf(current),
        after: snapshotOf({ ...current, ...changes }),
        extra,
        now,
      });
      const updated = await this.deps.tokens.update(current, changes, { event, bumpAuthVersion, now });
      if (!updated) continue;
      this.deps.outbox?.kick(id);
      if (bumpAuthVersion) await acknowledged(this.deps.versions.publish(caller.accountId, id, updated.authVersion));
      return updated;
    }
    throw AppError.conflict('The API token changed while it was being updated; try again.');
  }

  private event(
    caller: Caller,
    auditType: AuditType,
    objectId: string,
    detail: { prior?: Record<string, unknown>; after?: Record<string, unknown>; extra?: Record<string, unknown>; now: Date },
  ) {
    return buildChangeEvent({
      accountId: caller.accountId,
      objectType: 'ApiToken',
      auditType,
      objectId,
      actor: caller.actor,
      remoteIp: caller.remoteIp,
      requestId: caller.requestId,
      prior: detail.prior,
      after: detail.after,
      extra: detail.extra,
      now: detail.now,
    });
  }
}
