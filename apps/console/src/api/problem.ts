// Turns whatever an API call answered (problem+json, a proxy's HTML page, a network failure) into
// a message a person can act on. Pure: no DOM, no fetch, so it is unit-tested on its own.

export interface FieldProblem {
  path: string;
  message: string;
}

/** RFC 9457 problem details as Warden sends them, normalised so every field is present. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldProblem[];
  requestId?: string;
  errorId?: string;
}

const TITLES: Record<number, string> = {
  0: 'Network error',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problem in a response body; a body that is not problem+json still yields a usable problem. */
export function toProblem(status: number, body: unknown): Problem {
  const title = TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Request Failed');
  if (!isRecord(body)) {
    return { type: 'about:blank', title, status, detail: status >= 500 ? 'The service did not answer properly.' : title, errors: [] };
  }
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(isRecord).map((e) => ({ path: String(e.path ?? ''), message: String(e.message ?? 'is invalid') }))
    : [];
  return {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : title,
    status: typeof body.status === 'number' ? body.status : status,
    detail: typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : title,
    errors,
    ...(typeof body.requestId === 'string' ? { requestId: body.requestId } : {}),
    ...(typeof body.errorId === 'string' ? { errorId: body.errorId } : {}),
  };
}

/** `Retry-After` as seconds from `now`: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null | undefined, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const when = Date.parse(trimmed);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, Math.ceil((when - now.getTime()) / 1000));
}

/** `body.properties.port` → `Port`-ish: the field a person typed into, not the JSON path. */
export function fieldLabel(path: string): string {
  const trimmed = path.replace(/^(body|query|path)\.?/, '').replace(/^(properties|secrets)\./, '');
  if (!trimmed) return 'Request';
  const last = trimmed.split('.').pop() ?? trimmed;
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function clockTime(date: Date): string {
  return `${date.toISOString().slice(11, 19)} UTC`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export interface ProblemMessage {
  /** One sentence for the alert. */
  summary: string;
  /** Field errors, one line each. */
  details: string[];
  /** A reference support can look up in the logs. */
  reference?: string;
}

/** What to show next to the form or action that failed. */
export function describeProblem(problem: Problem, options: { retryAfterSeconds?: number; now?: Date } = {}): ProblemMessage {
  const now = options.now ?? new Date();
  const reference = problem.errorId ? `Error id ${problem.errorId}` : problem.requestId ? `Request id ${problem.requestId}` : undefined;
  const details = problem.errors.map((e) => `${fieldLabel(e.path)}: ${e.message}`);
  const withReference = (summary: string): ProblemMessage => ({ summary, details, ...(reference ? { reference } : {}) });
  switch (problem.status) {
    case 0:
      return withReference(`Could not reach Warden: ${problem.detail}`);
    case 401:
      return withReference(`Your token was not accepted: ${problem.detail}`);
    case 403:
      return withReference(`Not allowed: ${problem.detail}`);
    case 429: {
      const seconds = options.retryAfterSeconds;
      if (seconds === undefined) return withReference('Too many requests. Wait a moment, then try again.');
      const at = new Date(now.getTime() + seconds * 1000);
      return withReference(`Too many requests. Try again in ${duration(seconds)} (after ${clockTime(at)}).`);
    }
    case 502:
    case 503:
    case 504:
      return withReference(`${problem.title}: ${problem.detail} Try again shortly.`);
    default:
      return withReference(problem.detail === problem.title ? problem.detail : `${problem.title}: ${problem.detail}`);
  }
}
