import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Scope } from './api/client';
import type { Session } from './api/session';

export interface SessionContextValue {
  session: Session;
  api: Api;
  /** Whether the signed-in token holds the scope (the API enforces it anyway). */
  can: (scope: Scope) => boolean;
  signOut: (notice?: string) => void;
  /** After rotating the signed-in token: keep working with its new secret. */
  replaceToken: (token: string) => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}
