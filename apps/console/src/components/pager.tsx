import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { unwrap } from '../api/client';

export const PAGE_SIZES = [10, 25, 50, 100];

interface Page<T> {
  data: T[];
  meta: { nextCursor: string | null };
}

/**
 * Cursor pagination: `fetchPage(cursor, limit)` for the current page, a stack of cursors for
 * "Previous". A change of `key` (the filters) starts again from the first page.
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | undefined, limit: number) => Promise<{ data?: Page<T>; error?: unknown; response: Response }>,
  key: string,
) {
  const [limit, setLimit] = useState(25);
  // The cursor stack belongs to one set of filters and page size; a new set starts at page 1.
  const navKey = `${key}|${limit}`;
  const [nav, setNav] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: navKey, cursors: [undefined] });
  const cursors = nav.key === navKey ? nav.cursors : [undefined];
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    let current = true;
    setLoading(true);
    unwrap(fetchRef.current(cursor, limit))
      .then((page) => {
        if (!current) return;
        setItems(page.data);
        setNextCursor(page.meta.nextCursor);
        setError(null);
      })
      .catch((failure: unknown) => current && setError(failure))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [cursor, navKey, reloads]);

  return {
    items,
    setItems,
    loading,
    error,
    limit,
    setLimit,
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: nextCursor !== null,
    next: useCallback(() => {
      if (nextCursor) setNav({ key: navKey, cursors: [...cursors, nextCursor] });
    }, [nextCursor, navKey, cursors]),
    previous: useCallback(() => {
      if (cursors.length > 1) setNav({ key: navKey, cursors: cursors.slice(0, -1) });
    }, [navKey, cursors]),
    reload: useCallback(() => setReloads((n) => n + 1), []),
  };
}

interface PagerProps {
  label: string;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  limit: number;
  onPrevious: () => void;
  onNext: () => void;
  onLimit: (limit: number) => void;
}

export function Pager({ label, page, hasPrevious, hasNext, limit, onPrevious, onNext, onLimit }: PagerProps) {
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" class="button" disabled={!hasPrevious} onClick={onPrevious}>
        Previous page
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" class="button" disabled={!hasNext} onClick={onNext}>
        Next page
      </button>
      <label class="inline">
        Per page
        <select value={String(limit)} onChange={(event) => onLimit(Number((event.currentTarget as HTMLSelectElement).value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={String(size)}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
