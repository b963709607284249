import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { PlatformCommandError } from './platform-tokens';

/** Where the platform API is and the platform token that calls it (never printed). */
export interface PlatformApiTarget {
  url: string;
  token: string;
}

/** `--url`/`--token`, else WARDEN_URL/WARDEN_PLATFORM_TOKEN; the gateway defaults to the local one `npm start` serves. */
export function platformApiTarget(options: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): PlatformApiTarget {
  const url = options.url ?? (env.WARDEN_URL || 'http://localhost:8080');
  const token = options.token ?? env.WARDEN_PLATFORM_TOKEN;
  if (!token) throw new PlatformCommandError('No platform token: pass --token or set WARDEN_PLATFORM_TOKEN (`warden platform tokens create` issues one).', 2);
  if (!/^https?:\/\//.test(url)) throw new PlatformCommandError(`--url must be an http:// or https:// URL (got ${url}).`, 2);
  return { url, token };
}

export interface PlatformAnswer<T> {
  data: T;
  messages: string[];
  meta?: { nextCursor: string | null };
}

/** A problem+json answer becomes its `detail` (and its field errors); the exit status is 1. */
async function refusal(response: Response, method: string, path: string): Promise<PlatformCommandError> {
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; errors?: { path: string; message: string }[] };
  const errors = (problem.errors ?? []).map((error) => `${error.path}: ${error.message}`);
  const detail = [problem.detail ?? `${method} ${path} answered ${response.status}.`, ...errors].join(' ');
  return new PlatformCommandError(`${detail} (${response.status})`);
}

async function send(target: PlatformApiTarget, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(new URL(path, target.url), {
    method,
    headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: Error) => {
    // fetch's error names the URL, never the headers: the token stays out of it.
    throw new PlatformCommandError(`The gateway at ${target.url} did not answer: ${(error.cause as Error | undefined)?.message ?? error.message}`);
  });
  if (!response.ok) throw await refusal(response, method, path);
  return response;
}

/** One call of the platform API; resolves with its envelope. */
export async function callPlatformApi<T>(target: PlatformApiTarget, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<PlatformAnswer<T>> {
  return (await (await send(target, method, path, body)).json()) as PlatformAnswer<T>;
}

/** Every page of a list, following `meta.nextCursor`. */
export async function listAll<T>(target: PlatformApiTarget, path: string, query: Record<string, string | undefined>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(Object.entries({ ...query, limit: '200', cursor }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const page = await callPlatformApi<T[]>(target, 'GET', `${path}?${params}`);
    items.push(...page.data);
    cursor = page.meta?.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Streams a response body (an NDJSON export) to `out`, unparsed. */
export async function downloadPlatformApi(target: PlatformApiTarget, path: string, out: Writable): Promise<void> {
  const response = await send(target, 'GET', path);
  if (!response.body) return;
  await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), out);
}

/** `--out file`, else stdout (left open: the process still writes to it). */
export function outputStream(file: string | undefined): Writable {
  if (file) return createWriteStream(file, { mode: 0o600 });
  return new Writable({ write: (chunk, _encoding, done) => (process.stdout.write(chunk) ? done() : process.stdout.once('drain', done)) });
}

/** The two options every platform API command takes. */
export function withPlatformApiOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the gateway (default WARDEN_URL, else http://localhost:8080)')
    .option('--token <token>', 'a platform token (default WARDEN_PLATFORM_TOKEN)');
}
