import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Schemas } from '@warden/contracts-api';
import { buildChangeEvent, type AuditType } from '@warden/contracts-events';
import { AppError, type Caller, isUuid } from '@warden/http';
import {
  DataKeyUnavailableError,
  DuplicateMonikerError,
  SecretMismatchError,
  nextSecretsVersion,
  type CredentialDocument,
  type CredentialRepository,
  type CredentialSealer,
} from '@warden/credentials-data-access';
import type { CredentialTypes, CredentialTypeDescription } from './credential-types';
import { auditSnapshot, maskSecret } from './credential-snapshot';

export type CreateCredentialInput = Schemas['CreateCredentialRequest'];
export type UpdateCredentialInput = Schemas['UpdateCredentialRequest'];

export interface CredentialsDeps {
  repository: CredentialRepository;
  /** Seals and opens secrets under each account's data key (the key ring wraps those). */
  sealer: CredentialSealer;
  types: CredentialTypes;
  /** The outbox relay, kicked after every write that queued an event (with the credential written) so it publishes at once. */
  outbox?: { kick(documentId?: unknown): void };
  clock?: () => Date;
}

const MONIKER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_MONIKERS = new Set(['types']);
const MAX_WRITE_ATTEMPTS = 5;

/** Typed, encrypted credentials: every change and every reveal is audited through the outbox. */
export class CredentialsUseCase {
  private readonly clock: () => Date;

  constructor(private readonly deps: CredentialsDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  listTypes(): CredentialTypeDescription[] {
    return this.deps.types.describe();
  }

  async list(caller: Caller, limit: number, after?: { createdAt: number; id: string }): Promise<{ items: Awaited<ReturnType<CredentialRepository['list']>>; next?: { createdAt: number; id: string } }> {
    const page = await this.deps.repository.list(caller.accountId, limit + 1, after && { createdAt: new Date(after.createdAt), id: after.id });
    const items = page.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      next: page.length > limit && last ? { createdAt: last.createdAt.getTime(), id: last._id } : undefined,
    };
  }

  async get(caller: Caller, idOrMoniker: string): Promise<CredentialDocument> {
    return this.find(caller, idOrMoniker);
  }

  async create(caller: Caller, input: CreateCredentialInput): Promise<CredentialDocument> {
    if (RESERVED_MONIKERS.has(input.moniker)) {
      throw AppError.badRequest('The request body is invalid.', [{ path: 'body.moniker', message: `'${input.moniker}' is reserved` }]);
    }
    const now = this.clock();
    const id = randomUUID();
    const secrets = input.secrets as Record<string, string>;
    const secretsVersion = nextSecretsVersion(undefined);
    const sealed = await this.seal(secrets, { accountId: caller.accountId, credentialId: id, secretsVersion }, false);
    const document: CredentialDocument = {
      _id: id,
      accountId: caller.accountId,
      name: input.name,
      moniker: input.moniker,
      type: input.type,
      properties: input.properties as Record<string, unknown>,
      secrets: sealed.secrets,
      hints: hintsOf(secrets),
      keyId: sealed.keyId,
      secretsVersion,
      version: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      outbox: [],
    };
    document.outbox.push(this.event(caller, 'Created', id, { after: auditSnapshot(document) }));
    try {
      await this.deps.repository.insert(document);
    } catch (error) {
      if (error instanceof DuplicateMonikerError) throw AppError.conflict(error.message);
      throw error;
    }
    this.deps.outbox?.kick(id);
    return document;
  }

  /**
   * Merges `properties` and `secrets` over the stored ones, checks the result against the type's
   * schemas and writes it (all secrets re-sealed under the newest key and a new secrets version, in
   * the same single-document write) if nobody wrote in between. A credential whose stored secrets
   * no longer open (tampered with or rolled back) can still be repaired by a PATCH that sets every
   * one of its secret fields anew.
   */
  async update(caller: Caller, idOrMoniker: string, patch: UpdateCredentialInput): Promise<CredentialDocument> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.find(caller, idOrMoniker);
      const context = { accountId: current.accountId, credentialId: current._id };
      const properties = { ...current.properties, ...(patch.properties ?? {}) };
      const storedSecrets = await this.openForUpdate(current, patch);
      const secrets = { ...storedSecrets, ...((patch.secrets ?? {}) as Record<string, unknown>) };
      const errors = [
        ...(patch.properties ? this.deps.types.checkProperties(current.type, properties) : []),
        ...(patch.secrets ? this.deps.types.checkSecrets(current.type, secrets) : []),
      ];
      if (errors.length > 0) throw AppError.badRequest('The request body is invalid.', errors);

      const prior: Record<string, any> = {};
      const after: Record<string, any> = {};
      if (patch.name !== undefined && patch.name !== current.name) {
        prior.name = current.name;
        after.name = patch.name;
      }
      for (const [field, value] of Object.entries(patch.properties ?? {})) {
        if (isDeepStrictEqual(current.properties[field], value)) continue;
        (prior.properties ??= {})[field] = current.properties[field] ?? null;
        (after.properties ??= {})[field] = value;
      }
      // Which secret fields changed, by name only: never a value, a hint or a ciphertext.
      const changedSecretFields = Object.entries(patch.secrets ?? {})
        .filter(([field, value]) => storedSecrets[field] !== value)
        .map(([field]) => field);
      if (changedSecretFields.length > 0) after.changedSecretFields = changedSecretFields;
      if (Object.keys(after).length === 0) return current;

      const now = this.clock();
      const secretsVersion = nextSecretsVersion(current.secretsVersion);
      const sealed = await this.seal(secrets as Record<string, string>, { ...context, secretsVersion });
      const changes = {
        name: patch.name ?? current.name,
        properties,
        secrets: sealed.secrets,
        hints: hintsOf(secrets as Record<string, string>),
        keyId: sealed.keyId,
        secretsVersion,
        updatedAt: now,
      };
      const event = this.event(caller, 'Updated', current._id, { prior, after });
      if (await this.deps.repository.update(caller.accountId, current._id, current.version, changes, event)) {
        this.deps.outbox?.kick(current._id);
        return { ...current, ...changes };
      }
    }
    throw AppError.conflict('The credential was changed concurrently; retry the request.');
  }

  async delete(caller: Caller, idOrMoniker: string): Promise<{ id: string; deleted: true }> {
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.find(caller, idOrMoniker);
      const event = this.event(caller, 'Deleted', current._id, { prior: auditSnapshot(current) });
      if (await this.deps.repository.tombstone(caller.accountId, current._id, current.version, current.moniker, event, this.clock())) {
        this.deps.outbox?.kick(current._id);
        return { id: current._id, deleted: true };
      }
    }
    throw AppError.conflict('The credential was changed concurrently; retry the request.');
  }

  /**
   * The secrets in clear. The `Revealed` event (field names only) is stored before the secrets
   * leave the service, so there is no reveal without its audit record.
   */
  async reveal(caller: Caller, idOrMoniker: string): Promise<Schemas['RevealedCredential'] & { properties: Record<string, unknown> }> {
    const current = await this.find(caller, idOrMoniker);
    const secrets = await this.open(current);
    const event = this.event(caller, 'Revealed', current._id, { extra: { reveal: { fields: Object.keys(secrets) } } });
    if (!(await this.deps.repository.appendEvent(caller.accountId, current._id, event))) throw AppError.notFound();
    this.deps.outbox?.kick(current._id);
    return { id: current._id, moniker: current.moniker, type: current.type, properties: current.properties, secrets };
  }

  /**
   * The stored secrets in clear. A field that does not authenticate against its credential (a value
   * tampered with, copied from another credential, or rolled back to one sealed under an older
   * secrets version), or whose account's data key was destroyed, is a 500 that says so, naming the
   * credential and nothing secret; the error handler logs it.
   */
  private async open(document: CredentialDocument): Promise<Record<string, string>> {
    try {
      return await this.decrypt(document);
    } catch (error) {
      throw explainMismatch(error, document._id);
    }
  }

  /** The stored secrets for a PATCH to merge over; none when they do not open but the PATCH replaces every one of them. */
  private async openForUpdate(document: CredentialDocument, patch: UpdateCredentialInput): Promise<Record<string, string>> {
    try {
      return await this.decrypt(document);
    } catch (error) {
      const replaced = Object.keys(patch.secrets ?? {});
      if (error instanceof SecretMismatchError && Object.keys(document.secrets).every((field) => replaced.includes(field))) return {};
      throw explainMismatch(error, document._id);
    }
  }

  private decrypt(document: CredentialDocument): Promise<Record<string, string>> {
    return this.deps.sealer.openAll(document.secrets, { accountId: document.accountId, credentialId: document._id, secretsVersion: document.secretsVersion });
  }

  /** Seals under the account's data key; an account whose key was destroyed can store no new secret. */
  private async seal(secrets: Record<string, string>, context: { accountId: string; credentialId: string; secretsVersion: number }, stored = true) {
    try {
      return await this.deps.sealer.sealAll(secrets, context);
    } catch (error) {
      throw explainMismatch(error, stored ? context.credentialId : undefined);
    }
  }

  /** By UUID, else by moniker; anything else (or another account's credential) does not exist. */
  private async find(caller: Caller, idOrMoniker: string): Promise<CredentialDocument> {
    const { repository } = this.deps;
    let found: CredentialDocument | null = null;
    if (isUuid(idOrMoniker)) found = await repository.findById(caller.accountId, idOrMoniker.toLowerCase());
    if (!found && MONIKER.test(idOrMoniker) && !RESERVED_MONIKERS.has(idOrMoniker)) found = await repository.findByMoniker(caller.accountId, idOrMoniker);
    if (!found) throw AppError.notFound('No credential with this id or moniker exists.');
    return found;
  }

  private event(
    caller: Caller,
    auditType: AuditType,
    objectId: string,
    change: { prior?: Record<string, unknown>; after?: Record<string, unknown>; extra?: Record<string, unknown> },
  ) {
    return buildChangeEvent({
      accountId: caller.accountId,
      objectType: 'Credential',
      auditType,
      objectId,
      actor: caller.actor,
      remoteIp: caller.remoteIp,
      requestId: caller.requestId,
      now: this.clock(),
      ...change,
    });
  }
}

/**
 * A secret that does not match its credential, or a data key that is destroyed or does not unwrap,
 * as the 500 that says so (never any material); any other error unchanged.
 */
function explainMismatch(error: unknown, credentialId: string | undefined): unknown {
  if (error instanceof DataKeyUnavailableError) {
    const cause =
      error.reason === 'destroyed'
        ? "the account's data key was destroyed, so no secret of the account can be decrypted by anyone any more"
        : "the account's stored data key does not open with the key ring (it was tampered with or copied from another account)";
    return new AppError({
      status: 500,
      title: 'Internal Server Error',
      detail:
        credentialId === undefined
          ? `No secret can be stored for this account: ${cause}.`
          : `The secrets of credential ${credentialId} cannot be read or written: ${cause}.${error.reason === 'destroyed' ? ' Delete the credential.' : ''}`,
    });
  }
  if (!(error instanceof SecretMismatchError)) return error;
  return new AppError({
    status: 500,
    title: 'Internal Server Error',
    detail:
      `The stored secret '${error.field}' of credential ${error.credentialId} does not match its credential: it was tampered with ` +
      'or rolled back to an older value in the database, so it cannot be read. Set every secret of the credential again (PATCH) or delete it.',
  });
}

function hintsOf(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, maskSecret(value)]));
}
