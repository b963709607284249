/** More unexpired ids than this and new identities are refused rather than old ids forgotten. */
const MAX_REMEMBERED = 1_000_000;

/**
 * The unique ids (`jti`) this replica has accepted, each until its identity could no longer be
 * accepted anyway. Ids arrive roughly in expiry order (every caller mints with the same lifetime),
 * so expired ones are dropped from the front of the insertion-ordered map.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True the first time `id` is offered before `until` (epoch ms); false for a repeat, or when full. */
  firstUse(id: string, until: number): boolean {
    const now = this.now();
    this.forgetExpired(now);
    const known = this.seen.get(id);
    if (known !== undefined && known >= now) return false;
    if (this.seen.size >= MAX_REMEMBERED) return false;
    this.seen.set(id, until);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(now: number): void {
    for (const [id, until] of this.seen) {
      if (until >= now) return;
      this.seen.delete(id);
    }
  }
}
