// Display formats shared by the pages. Times are shown in UTC, as the audit trail records them.

/** `2025-11-24 16:41:07 UTC`, or the fallback for a missing value. */
export function formatUtc(iso: string | null | undefined, fallback = '—'): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A `<input type="datetime-local">` value read as UTC, as an ISO instant; '' stays undefined. */
export function utcInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO instant as a `datetime-local` value in UTC. */
export function isoToUtcInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}

/** Lines or commas to a list: how allowed IPs and string[] properties are typed. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}
