import { describeProblem, fieldLabel, parseRetryAfter, toProblem } from './problem';

describe('toProblem', () => {
  it('keeps a problem+json body and its field errors', () => {
    const problem = toProblem(400, {
      type: 'https://httpstatuses.com/400',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is invalid.',
      errors: [{ path: 'body.name', message: 'must NOT have more than 100 characters' }],
      requestId: 'r-1',
    });
    expect(problem).toEqual({
      type: 'https://httpstatuses.com/400',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is invalid.',
      errors: [{ path: 'body.name', message: 'must NOT have more than 100 characters' }],
      requestId: 'r-1',
    });
  });

  it('still gives a readable problem for a body that is not problem+json', () => {
    expect(toProblem(502, '<html>bad gateway</html>')).toMatchObject({ status: 502, title: 'Bad Gateway', errors: [] });
    expect(toProblem(404, null)).toMatchObject({ status: 404, title: 'Not Found', detail: 'Not Found' });
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-11-24T16:40:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('42', now)).toBe(42);
    expect(parseRetryAfter('Mon, 24 Nov 2025 16:41:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Mon, 24 Nov 2025 16:39:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('describeProblem', () => {
  const now = new Date('2025-11-24T16:40:00Z');

  it('says when to retry after a 429', () => {
    const problem = toProblem(429, { title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
    expect(describeProblem(problem, { retryAfterSeconds: 42, now }).summary).toBe(
      'Too many requests. Try again in 42 seconds (after 16:40:42 UTC).',
    );
    expect(describeProblem(problem, { retryAfterSeconds: 150, now }).summary).toBe(
      'Too many requests. Try again in 3 minutes (after 16:42:30 UTC).',
    );
    expect(describeProblem(problem, { now }).summary).toBe('Too many requests. Wait a moment, then try again.');
  });

  it('lists field errors by the label a person typed into', () => {
    const problem = toProblem(400, {
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is invalid.',
      errors: [
        { path: 'body.properties.systemId', message: 'is required' },
        { path: 'body.allowedIps[0]', message: 'must match pattern' },
      ],
    });
    expect(describeProblem(problem)).toEqual({
      summary: 'Bad Request: The request body is invalid.',
      details: ['System Id: is required', 'Allowed Ips[0]: must match pattern'],
    });
  });

  it('names the scope problem and keeps a reference for support', () => {
    const forbidden = toProblem(403, { title: 'Forbidden', status: 403, detail: "This API token lacks the 'tokens:write' scope.", requestId: 'abc' });
    expect(describeProblem(forbidden)).toEqual({
      summary: "Not allowed: This API token lacks the 'tokens:write' scope.",
      details: [],
      reference: 'Request id abc',
    });
    const crashed = toProblem(500, { title: 'Internal Server Error', status: 500, detail: 'Unexpected.', errorId: 'e-9', requestId: 'abc' });
    expect(describeProblem(crashed).reference).toBe('Error id e-9');
  });

  it('explains network failures and unavailable services', () => {
    expect(describeProblem({ ...toProblem(0, null), detail: 'Failed to fetch' }).summary).toBe('Could not reach Warden: Failed to fetch');
    expect(describeProblem(toProblem(503, { title: 'Service Unavailable', status: 503, detail: 'Redis is unreachable.' })).summary).toBe(
      'Service Unavailable: Redis is unreachable. Try again shortly.',
    );
  });
});

describe('fieldLabel', () => {
  it('turns JSON paths into field names', () => {
    expect(fieldLabel('body.name')).toBe('Name');
    expect(fieldLabel('body.rateLimit.windowSeconds')).toBe('Window Seconds');
    expect(fieldLabel('body')).toBe('Request');
  });
});
