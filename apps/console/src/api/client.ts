// The console's only way to the platform: the public /api/v1 on the gateway's origin, typed by
// the paths generated from the OpenAPI contract. Errors come back as ApiError with a normalised
// problem; a 401 while signed in ends the session (the token was revoked, disabled or rotated).
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '@warden/contracts-api/openapi';
import { describeProblem, parseRetryAfter, toProblem, type Problem, type ProblemMessage } from './problem';

export type Schemas = components['schemas'];
export type Scope = Schemas['Scope'];
export type Api = Client<paths>;

export const ALL_SCOPES = [
  'tokens:read',
  'tokens:write',
  'credentials:read',
  'credentials:write',
  'credentials:reveal',
  'audit:read',
  'audit:witness',
  'tokens:reveal',
] as const satisfies readonly Scope[];
// Fails to compile when the contract gains a scope this list lacks.
type MissingScope = Exclude<Scope, (typeof ALL_SCOPES)[number]>;
const _allScopesListed: [MissingScope] extends [never] ? true : never = true;

export class ApiError extends Error {
  readonly problem: Problem;
  readonly retryAfterSeconds?: number;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(problem.detail);
    this.name = 'ApiError';
    this.problem = problem;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }

  get status(): number {
    return this.problem.status;
  }

  describe(now?: Date): ProblemMessage {
    return describeProblem(this.problem, { retryAfterSeconds: this.retryAfterSeconds, ...(now ? { now } : {}) });
  }
}

/**
 * Any failure as the message to show: API problems, network errors, bugs. `shownAtField` leaves out
 * the field errors that the form already shows next to their fields.
 */
export function describeError(error: unknown, shownAtField?: (path: string) => boolean): ProblemMessage {
  if (error instanceof ApiError) {
    if (!shownAtField) return error.describe();
    const problem = { ...error.problem, errors: error.problem.errors.filter((e) => !shownAtField(e.path)) };
    return describeProblem(problem, { retryAfterSeconds: error.retryAfterSeconds });
  }
  const message = error instanceof Error ? error.message : String(error);
  return describeProblem({ ...toProblem(0, null), detail: message });
}

interface ClientOptions {
  token: string;
  /** Called once per 401 answered to this token. */
  onUnauthorized?: (error: ApiError) => void;
  baseUrl?: string;
}

export function createApi({ token, onUnauthorized, baseUrl = window.location.origin }: ClientOptions): Api {
  const client = createClient<paths>({ baseUrl, credentials: 'omit', cache: 'no-store' });
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401 && onUnauthorized) {
        // The body is read by the caller; a clone keeps it readable for both.
        void response
          .clone()
          .json()
          .catch(() => null)
          .then((body) => onUnauthorized(new ApiError(toProblem(401, body))));
      }
      return response;
    },
  });
  return client;
}

type Answer<D> = { data?: D; error?: unknown; response: Response };

/** The response's data, or an ApiError carrying its problem (and Retry-After for a 429). */
export async function unwrap<D>(call: Promise<Answer<D>>): Promise<NonNullable<D>> {
  let answer: Answer<D>;
  try {
    answer = await call;
  } catch (error) {
    throw new ApiError({ ...toProblem(0, null), detail: error instanceof Error ? error.message : String(error) });
  }
  const { data, error, response } = answer;
  if (!response.ok || data === undefined) {
    throw new ApiError(toProblem(response.status, error), parseRetryAfter(response.headers.get('Retry-After')));
  }
  return data as NonNullable<D>;
}
