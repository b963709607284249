import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { components } from './generated/openapi';

export type { paths, components, operations } from './generated/openapi';
export type Schemas = components['schemas'];

// Defined as true only in a production bundle (tools/build/build-apps.mjs), where __dirname is the
// bundle's directory (dist/apps/<app>) and the build copies the document beside it.
declare const WARDEN_BUNDLED: boolean | undefined;

/** The hand-edited source of truth; the generated types and the request validators both come from it. */
export const OPENAPI_PATH = typeof WARDEN_BUNDLED !== 'undefined' ? join(__dirname, 'openapi.yaml') : join(__dirname, '..', 'openapi.yaml');

let document: Record<string, any> | undefined;

export function loadOpenApiDocument(): Record<string, any> {
  document ??= parse(readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, any>;
  return document;
}
