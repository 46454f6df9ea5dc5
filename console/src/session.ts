/** Who is signed in: the API key (kept in sessionStorage, so it ends with the browser tab) and its role. */
import { computed, signal } from '@preact/signals';
import { api, ApiError, useKey, type Me, type Permission } from './api.js';

const STORAGE = 'fulcrum.console.key';

export const me = signal<Me | null>(null);
export const signingIn = signal(false);
export const signInError = signal<string | null>(null);
export const apiKey = signal<string | null>(null);

/** Whether the signed-in key may do something; the console offers only what it may. */
export function may(permission: Permission): boolean {
  return me.value?.permissions.includes(permission) ?? false;
}
export const isAdmin = computed(() => me.value?.role === 'admin');

/** Checks a key against `/ui/me` and, when it works, keeps it for this browser session. */
export async function signIn(secret: string): Promise<boolean> {
  signingIn.value = true;
  signInError.value = null;
  useKey(secret);
  try {
    me.value = await api.me();
    apiKey.value = secret;
    sessionStorage.setItem(STORAGE, secret);
    return true;
  } catch (e) {
    useKey(undefined);
    signInError.value =
      e instanceof ApiError && e.status === 401
        ? 'Fulcrum does not know this key. Use a key from FULCRUM_API_KEYS, or the admin key the server printed at start.'
        : e instanceof Error ? e.message : String(e);
    return false;
  } finally {
    signingIn.value = false;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE);
  useKey(undefined);
  apiKey.value = null;
  me.value = null;
}

/** Signs in again with the key kept in this tab's session, if any. */
export async function resume(): Promise<void> {
  const kept = sessionStorage.getItem(STORAGE);
  if (kept) await signIn(kept);
}
