import { actorsOf, epochDay, groupOf, markerDocs, markerKey, tileBounds, tileKey, tileOf, timeKeys, TILE_SIZE, TILES_PER_GROUP } from './record-layout';

describe('record layout', () => {
  it('puts 256 consecutive records in a tile, the first tile starting at seq 1', () => {
    expect([tileOf(1), tileOf(TILE_SIZE), tileOf(TILE_SIZE + 1), tileOf(3 * TILE_SIZE)]).toEqual([0, 0, 1, 2]);
    expect(tileBounds(1)).toEqual({ first: TILE_SIZE + 1, last: 2 * TILE_SIZE });
    expect(groupOf(TILES_PER_GROUP - 1)).toBe(0);
    expect(groupOf(TILES_PER_GROUP)).toBe(1);
    expect(tileKey('acct', 7)).toBe('acct:7');
  });

  it('marks each filter value once per tile and once per group, and each day the records fall on', () => {
    const record = (seq: number, objectType: string, day: number) => ({
      seq,
      objectType,
      auditType: 'Updated',
      actors: ['tok-1', 'ci'],
      timestamp: new Date(Date.UTC(2026, 0, day, 12)),
    });
    const docs = markerDocs('acct', [record(1, 'ApiToken', 1), record(2, 'ApiToken', 1), record(TILE_SIZE + 1, 'Credential', 2)]);
    const ids = docs.map((doc) => doc._id);
    expect(new Set(ids).size).toBe(ids.length);
    const tileMarkers = (key: string) => docs.filter((doc) => doc.key === `acct|${key}|g0`).map((doc) => doc.n);
    expect(tileMarkers(markerKey('objectType', 'ApiToken'))).toEqual([0]);
    expect(tileMarkers(markerKey('objectType', 'Credential'))).toEqual([1]);
    expect(tileMarkers(markerKey('actor', 'ci'))).toEqual([0, 1]);
    expect(tileMarkers(markerKey('day', '2026-01-02'))).toEqual([1]);
    expect(docs.filter((doc) => doc.key === `acct|${markerKey('auditType', 'Updated')}`).map((doc) => doc.n)).toEqual([0]);
    expect(docs.filter((doc) => doc.key === 'acct|days').map((doc) => doc.n)).toEqual([20454, 20455]);
  });

  it('covers a time range with the days inside it and the hours of the days at its edges', () => {
    const at = (iso: string) => new Date(iso);
    const days = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-05'].map((day) => epochDay(at(`${day}T00:00:00Z`)));
    const hour = (iso: string) => markerKey('hour', String(at(iso).getTime() / 3_600_000));
    // Two hours in one day: those hours only.
    expect(timeKeys(days, at('2026-01-02T10:30:00Z'), at('2026-01-02T12:00:00Z'))).toEqual([hour('2026-01-02T10:00:00Z'), hour('2026-01-02T11:00:00Z')]);
    // From the last hour of the 1st to the 3rd: that hour, the whole 2nd, the 3rd; the 4th has no records.
    expect(timeKeys(days, at('2026-01-01T23:00:00Z'), at('2026-01-04T00:00:00Z'))).toEqual([
      hour('2026-01-01T23:00:00Z'),
      markerKey('day', '2026-01-02'),
      markerKey('day', '2026-01-03'),
    ]);
    // Open ends take every day on that side.
    expect(timeKeys(days, undefined, at('2026-01-02T00:00:00Z'))).toEqual([markerKey('day', '2026-01-01')]);
    expect(timeKeys(days, at('2026-01-05T00:00:00Z'), undefined)).toEqual([markerKey('day', '2026-01-05')]);
    expect(timeKeys(days, at('2026-01-04T00:00:00Z'), at('2026-01-05T00:00:00Z'))).toEqual([]);
  });

  it('keeps a value with separators from colliding with another key', () => {
    expect(markerKey('actor', 'a|b=c')).toBe('actor=a%7Cb%3Dc');
  });

  it('lets the actor filter match the actor id, the actor name or the username', () => {
    expect(actorsOf({ actor: { id: 'tok-1', name: 'ci' }, username: 'ci' })).toEqual(['tok-1', 'ci']);
  });
});
