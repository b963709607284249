import { createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { ChangeEvent } from './change-event';

/**
 * Change events are authenticated by their producer, because Redis is not trusted: anyone who can
 * write to it can add, alter or replace an `audit-events` job. Each producer holds its own key for
 * the audit service (the `INTERNAL_KEYS` pair `<producer>>audit-service`, the same key it would
 * mint identities for that service with) and sends every event as a `SignedChangeEvent`: the event,
 * who produced it, the key id and an HMAC-SHA256 over the RFC 8785 canonical JSON of all three, the
 * canonical form the audit chain uses, so that changing any field of the event breaks the MAC. The
 * audit worker checks it before anything else and records nothing it cannot authenticate.
 *
 * The MAC is made when the event is published (the outbox relay, the CLI's flush, `AuditReporter`),
 * not when it is written to the outbox: publishing is one place per process instead of every
 * repository that writes an event, and an outbox entry lives in the producer's own database, where
 * whoever could alter the entry could alter the change itself. What is not trusted is the way from
 * the producer to the audit service, and that is what the MAC covers.
 */
export interface SignedChangeEvent {
  event: ChangeEvent;
  /** The producer's name: the caller of its `<producer>>audit-service` key. */
  producer: string;
  keyId: string;
  /** base64url HMAC-SHA256 of `eventMacInput(producer, keyId, event)`. */
  mac: string;
}

/** A key of `INTERNAL_KEYS` (structurally `InternalKey` of the shared config). */
export interface ProducerKey {
  caller: string;
  audience: string;
  keyId: string;
  key: Buffer;
}

/** The audience of every producer key. */
export const AUDIT_SERVICE = 'audit-service';

/**
 * Which object types each producer may speak for. A producer with a key for the audit service that
 * is not listed here (an internal service reporting through `AuditReporter`) may report its own
 * types, never one of these; the gateway holds a key for the audit service only to call it and
 * produces nothing.
 */
export const AUDIT_EVENT_PRODUCERS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'token-service': ['ApiToken', 'Account'],
  'credential-service': ['Credential'],
  cli: ['Account', 'ApiToken', 'Credential'],
});
const NOT_PRODUCERS: readonly string[] = ['gateway'];
/**
 * The platform's own audit chain: accounts created, changed and deleted, platform tokens issued and
 * revoked. Never a UUID, so no account's chain is it. Only the producers of accounts and platform
 * tokens write to it.
 */
export const PLATFORM_CHAIN = 'platform';
const PLATFORM_PRODUCERS: readonly string[] = ['token-service', 'cli'];

/** Whether `producer` may report an event about `objectType` (in the chain of `accountId`, when given). */
export function mayProduce(producer: string, objectType: string, accountId?: string): boolean {
  if (NOT_PRODUCERS.includes(producer)) return false;
  if (accountId === PLATFORM_CHAIN && !PLATFORM_PRODUCERS.includes(producer)) return false;
  if (Object.hasOwn(AUDIT_EVENT_PRODUCERS, producer)) return AUDIT_EVENT_PRODUCERS[producer].includes(objectType);
  return !Object.values(AUDIT_EVENT_PRODUCERS).some((types) => types.includes(objectType));
}

/** What a job on `audit-events` must look like before its MAC is checked. */
export const signedChangeEventSchema = z.object({
  event: z.record(z.string(), z.unknown()),
  producer: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  mac: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** Domain separation: an event MAC can never be taken for an identity signed with the same key (a JWS signing input has no newline). */
const MAC_CONTEXT = 'warden-audit-event-v1\n';

/** The bytes the MAC covers: a context line, then the canonical JSON of producer, key id and the whole event. */
export function eventMacInput(producer: string, keyId: string, event: unknown): string {
  const canonical = canonicalize({ producer, keyId, event });
  if (canonical === undefined) throw new Error('change event is not serialisable');
  return MAC_CONTEXT + canonical;
}

function mac(key: Buffer, producer: string, keyId: string, event: unknown): Buffer {
  return createHmac('sha256', key).update(eventMacInput(producer, keyId, event), 'utf8').digest();
}

/** Signs events as one producer, with the newest (last listed) key of its `<producer>>audit-service` pair. */
export class ChangeEventSigner {
  private constructor(
    readonly producer: string,
    private readonly key: ProducerKey,
  ) {}

  /** The producer's signer; throws, naming the pair, when `keys` has no key for it. */
  static forProducer(producer: string, keys: readonly ProducerKey[]): ChangeEventSigner {
    const signer = ChangeEventSigner.find(producer, keys);
    if (!signer) throw new Error(`no key for ${producer}>${AUDIT_SERVICE}: events cannot be authenticated`);
    return signer;
  }

  /** The producer's signer, or undefined when `keys` has no key for it. */
  static find(producer: string, keys: readonly ProducerKey[] | undefined): ChangeEventSigner | undefined {
    const own = (keys ?? []).filter((key) => key.caller === producer && key.audience === AUDIT_SERVICE);
    return own.length > 0 ? new ChangeEventSigner(producer, own[own.length - 1]) : undefined;
  }

  sign(event: ChangeEvent): SignedChangeEvent {
    const { keyId } = this.key;
    return { event, producer: this.producer, keyId, mac: mac(this.key.key, this.producer, keyId, event).toString('base64url') };
  }
}

/** Why a job was not recorded; the label of `audit_events_quarantined_total`. */
export type EventRejection = 'unauthenticated' | 'unknown_producer' | 'unknown_key' | 'bad_mac' | 'not_allowed';

export type EventVerification =
  | { ok: true; producer: string; keyId: string; event: Record<string, unknown> }
  | { ok: false; reason: EventRejection; producer?: string; keyId?: string };

/**
 * Checks a job of `audit-events` against the producer keys this audit service holds (the
 * `<producer>>audit-service` pairs of its `INTERNAL_KEYS`; every listed key of a pair verifies, so
 * keys rotate as identities do). The event it returns is the one the MAC covers, still to be
 * checked against the contract.
 */
export class ChangeEventVerifier {
  private readonly keys: readonly ProducerKey[];

  constructor(keys: readonly ProducerKey[]) {
    this.keys = keys.filter((key) => key.audience === AUDIT_SERVICE);
  }

  verify(data: unknown): EventVerification {
    const parsed = signedChangeEventSchema.safeParse(data);
    if (!parsed.success) return { ok: false, reason: 'unauthenticated' };
    const { event, producer, keyId } = parsed.data;
    const mine = this.keys.filter((key) => key.caller === producer);
    if (mine.length === 0) return { ok: false, reason: 'unknown_producer', producer, keyId };
    const key = mine.find((candidate) => candidate.keyId === keyId);
    if (!key) return { ok: false, reason: 'unknown_key', producer, keyId };
    let expected: Buffer;
    try {
      expected = mac(key.key, producer, keyId, event);
    } catch {
      return { ok: false, reason: 'bad_mac', producer, keyId };
    }
    const given = Buffer.from(parsed.data.mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_mac', producer, keyId };
    // An event with no usable object type is authenticated but invalid: the contract check fails it.
    if (typeof event.objectType === 'string' && !mayProduce(producer, event.objectType, typeof event.accountId === 'string' ? event.accountId : undefined)) return { ok: false, reason: 'not_allowed', producer, keyId };
    return { ok: true, producer, keyId, event };
  }
}
