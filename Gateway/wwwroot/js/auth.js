// Who is signed in. A session is a bearer token kept in sessionStorage (this tab only, gone when
// it closes), from one of: a development token (POST /dev/token, Development only), the city's
// identity provider (OpenID Connect authorization code flow with PKCE; the code comes back in the
// URL fragment, which never reaches a server, and is exchanged for a token at once), or a token
// pasted by hand. No password is ever asked for or stored here.

const SESSION_KEY = 'collab.session';
const PKCE_KEY = 'collab.pkce';
export const ROLES = ['police', 'council', 'citizen', 'operator'];

function base64UrlDecode(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(padded), c => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function base64UrlEncode(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The claims of a JWT, read (not verified: the gateway verifies every call). */
export function readClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWT');
  return JSON.parse(base64UrlDecode(parts[1]));
}

/** A session from a token, or null when it is not a usable token of one of the four roles. */
export function sessionFrom(token) {
  try {
    const claims = readClaims(token.trim());
    // One role, as the gateway reads it (a one-element array is the same claim).
    const role = Array.isArray(claims.role) ? (claims.role.length === 1 ? claims.role[0] : null) : claims.role;
    if (!ROLES.includes(role) || typeof claims.sub !== 'string') return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return null;
    return { token: token.trim(), role, sub: claims.sub, name: claims.name ?? null, exp: claims.exp ?? null };
  } catch {
    return null;
  }
}

export function loadSession() {
  const stored = sessionStorage.getItem(SESSION_KEY);
  const session = stored ? sessionFrom(stored) : null;
  if (!session) sessionStorage.removeItem(SESSION_KEY);
  return session;
}

export function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, session.token);
}

export function clearSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

/** Development: a token for any user and role from the gateway's /dev/token. */
export async function devSignIn(api, sub, role, lang, name) {
  const body = { sub, role, lang };
  if (name) body.name = name;
  const { token } = await api.anonymous('POST', '/dev/token', body);
  return sessionFrom(token);
}

async function discovery(authority) {
  const response = await fetch(`${authority.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`OpenID discovery failed (${response.status})`);
  return response.json();
}

function redirectUri() {
  return `${location.origin}/`;
}

/** Sends the browser to the identity provider; it comes back to / with #code=…&state=…. */
export async function oidcSignIn(oidc) {
  const meta = await discovery(oidc.authority);
  const verifier = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64UrlEncode(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    response_mode: 'fragment',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * On return from the identity provider: exchanges the code for a token and clears the URL.
 * Returns the session, or null when this page load is not a return from it.
 */
export async function completeOidcSignIn(oidc) {
  const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
  const code = params.get('code');
  const pending = sessionStorage.getItem(PKCE_KEY);
  if (!code || !pending) return null;
  history.replaceState(null, '', '/');
  sessionStorage.removeItem(PKCE_KEY);
  const { verifier, state } = JSON.parse(pending);
  if (params.get('state') !== state) throw new Error('state mismatch');
  const meta = await discovery(oidc.authority);
  const response = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: oidc.clientId,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`token exchange failed (${response.status})`);
  const tokens = await response.json();
  return sessionFrom(tokens.access_token ?? '');
}
