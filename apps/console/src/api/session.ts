// The signed-in token lives in this tab's sessionStorage (gone when the tab closes or on sign-out),
// never in localStorage or a cookie.
import type { Schemas } from './client';

export interface Session {
  token: string;
  identity: Schemas['ApiTokenVerification'];
}

const KEY = 'warden.console.session';

export function loadSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    return typeof parsed?.token === 'string' && parsed.identity ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage disabled: the session lives in memory only and ends with the page.
  }
}

export function clearSession(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
