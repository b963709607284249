/** Runs `fn` with WARDEN_CACHE_DIR set to `dir`, then restores it: the infra tests' own cache, never the machine's. */
export async function withCacheDir(dir, fn) {
  const saved = process.env.WARDEN_CACHE_DIR;
  process.env.WARDEN_CACHE_DIR = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.WARDEN_CACHE_DIR;
    else process.env.WARDEN_CACHE_DIR = saved;
  }
}
