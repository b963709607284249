export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail: string;
  type?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** The one error type a Warden handler throws; the error middleware turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail);
    this.name = 'AppError';
    this.status = init.status;
    this.title = init.title;
    this.type = init.type ?? `https://httpstatuses.com/${init.status}`;
    this.errors = init.errors;
    this.headers = init.headers;
  }

  static badRequest(detail: string, errors?: FieldError[]) {
    return new AppError({ status: 400, title: 'Bad Request', detail, errors });
  }
  static unauthorized(detail = 'A valid API token is required.') {
    return new AppError({ status: 401, title: 'Unauthorized', detail, headers: { 'WWW-Authenticate': 'Bearer realm="warden"' } });
  }
  static forbidden(detail: string, errors?: FieldError[]) {
    return new AppError({ status: 403, title: 'Forbidden', detail, errors });
  }
  static notFound(detail = 'The requested resource does not exist.') {
    return new AppError({ status: 404, title: 'Not Found', detail });
  }
  static conflict(detail: string) {
    return new AppError({ status: 409, title: 'Conflict', detail });
  }
  static unsupportedMediaType(detail = 'Request bodies must be application/json.') {
    return new AppError({ status: 415, title: 'Unsupported Media Type', detail });
  }
  static payloadTooLarge(detail = 'The request body is too large.') {
    return new AppError({ status: 413, title: 'Payload Too Large', detail });
  }
  static tooManyRequests(retryAfterSeconds: number) {
    return new AppError({
      status: 429,
      title: 'Too Many Requests',
      detail: 'Too Many Attempts.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
  /** With `retryAfterSeconds`, the answer carries `Retry-After`: the caller is expected to repeat the request. */
  static serviceUnavailable(detail: string, retryAfterSeconds?: number) {
    const headers = retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) };
    return new AppError({ status: 503, title: 'Service Unavailable', detail, headers });
  }
  static badGateway(detail: string) {
    return new AppError({ status: 502, title: 'Bad Gateway', detail });
  }
  static gatewayTimeout(detail: string) {
    return new AppError({ status: 504, title: 'Gateway Timeout', detail });
  }
}
