export default async function globalTeardown() {
  await globalThis.__WARDEN_INFRA__?.stop();
}
