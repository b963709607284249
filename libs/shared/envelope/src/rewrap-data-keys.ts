import type { DataKeyStore } from './data-key.store';
import type { KeyRing } from './key-ring';

export interface RewrapResult {
  rewrapped: number;
  /** Changed between read and write (destroyed, or re-wrapped by another run). */
  skipped: number;
  /** Wrapped by a ring key that is not configured, or whose wrapping was tampered with. */
  failed: { accountId: string; reason: string }[];
  /** Still under an older ring key after this run. */
  remaining: number;
}

/**
 * Re-wraps every live data key that an older ring key wraps under the newest one, in account id
 * order: the data key itself (and so everything sealed under it) is unchanged, one conditional
 * single-document write each. Safe to interrupt and re-run.
 */
export async function rewrapDataKeys(
  store: Pick<DataKeyStore, 'findDataKeysToRewrap' | 'countDataKeysToRewrap' | 'rewrapDataKey'>,
   ring: KeyRing,
  batchSize: number,
  clock: () => Date,
): Promise<RewrapResult> {
  const keyId = ring.currentKeyId;
  const result: RewrapResult = { rewrapped: 0, skipped: 0, failed: [], remaining: 0 };
  let afterId: string | undefined;
  for (;;) {
    const batch = await store.findDataKeysToRewrap(keyId, afterId, batchSize);
    if (batch.length === 0) break;
    for (const document of batch) {
      afterId = document._id;
      if (!document.wrapped) continue;
      const context = { accountId: document._id, dataKeyId: document.dataKeyId };
      let wrapped;
      try {
        const material = ring.unwrapDataKey(document.wrapped, context);
        wrapped = ring.wrapDataKey(material, context);
        material.fill(0);
      } catch (error) {
        result.failed.push({ accountId: document._id, reason: (error as Error).message });
        continue;
      }
      if (await store.rewrapDataKey(document, wrapped, clock())) result.rewrapped += 1;
      else result.skipped += 1;
    }
  }
  result.remaining = await store.countDataKeysToRewrap(keyId);
  return result;
}
