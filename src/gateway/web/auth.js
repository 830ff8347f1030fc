// Token handling of the dashboard. The token arrives once as `?token=` (then it is removed from
// the address bar with history.replaceState so it does not linger in history or screenshots) or
// from the login box; it is kept in sessionStorage only (gone when the tab closes).
import { $ } from './dom.js';

const KEY = 'alphaPanda.token';

/** The token from the URL (moved into sessionStorage) or from sessionStorage; null when none. */
export function readInitialToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    if (fromUrl.trim() !== '') {
      sessionStorage.setItem(KEY, fromUrl.trim());
      return fromUrl.trim();
    }
  }
  return sessionStorage.getItem(KEY);
}

/** Stores a token typed into the login box. */
export function saveToken(token) {
  sessionStorage.setItem(KEY, token);
}

/** Forgets the token (logout or rejected). */
export function clearToken() {
  sessionStorage.removeItem(KEY);
}

/**
 * Shows the login overlay with an optional error and resolves with the token the user submits.
 * `verify(token)` is awaited before resolving; if it throws, its message is shown and the box stays.
 */
export function askForToken(errorText, verify) {
  const overlay = $('login');
  const form = $('login-form');
  const input = $('login-token');
  const errBox = $('login-error');
  overlay.hidden = false;
  errBox.textContent = errorText ?? '';
  errBox.hidden = !errorText;
  input.value = '';
  setTimeout(() => input.focus(), 0);
  return new Promise((resolve) => {
    const submit = async (ev) => {
      ev.preventDefault();
      const token = input.value.trim();
      if (token === '') return;
      const btn = form.querySelector('button[type=submit]');
      btn.disabled = true;
      try {
        await verify(token);
        form.removeEventListener('submit', submit);
        overlay.hidden = true;
        resolve(token);
      } catch (e) {
        errBox.textContent = e?.message ?? String(e);
        errBox.hidden = false;
        input.select();
      } finally {
        btn.disabled = false;
      }
    };
    form.addEventListener('submit', submit);
  });
}
