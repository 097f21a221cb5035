// The console's entry point: language, sign-in, the live connection and the view of the role.

import { el, field, options } from './dom.js';
import { LANGUAGES, NATIVE_NAMES, preferredLanguage, setLanguage, language, t } from './i18n.js';
import { createApi } from './api.js';
import { ROLES, loadSession, saveSession, clearSession, sessionFrom, devSignIn, oidcSignIn, completeOidcSignIn } from './auth.js';
import { Live } from './live.js';
import { authorityView } from './authority.js';
import { citizenView } from './citizen.js';
import { operatorView } from './operator.js';

const main = document.getElementById('main');
const liveState = document.getElementById('live-state');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');
const languageSelect = document.getElementById('lang');

let session = null;
let live = null;
let view = null;
let config = { devTokens: false, oidc: null };
const api = createApi(() => session?.token, () => signOut(t('signin.expired')));

function setLiveState(state) {
  liveState.dataset.state = state;
  liveState.textContent = t(`live.${state}`);
}

function showWho() {
  who.textContent = session ? t('who', { role: t(`role.${session.role}`), name: session.name ?? session.sub }) : '';
  signOutButton.hidden = !session;
}

async function start(newSession) {
  session = newSession;
  saveSession(session);
  showWho();
  live = new Live(
    () => (session && (!session.exp || session.exp * 1000 > Date.now()) ? session.token : null),
    setLiveState,
    message => showProblem(message),
    () => signOut(t('signin.expired')));
  live.start();
  const ctx = { api, live, session, language, signOut };
  main.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
  try {
    view = session.role === 'citizen' ? await citizenView(main, ctx)
      : session.role === 'operator' ? await operatorView(main, ctx)
      : await authorityView(main, ctx);
    main.dataset.view = session.role;
  } catch (error) {
    showProblem(error.message);
  }
}

async function signOut(message) {
  view?.dispose?.();
  view = null;
  await live?.stop();
  live = null;
  session = null;
  clearSession();
  setLiveState('offline');
  showWho();
  showSignIn(message);
}

function showProblem(message) {
  main.prepend(el('p', { class: 'problem', role: 'alert', text: message }));
}

function showSignIn(message) {
  delete main.dataset.view;
  const problem = el('p', { class: 'problem', role: 'alert', id: 'signin-problem', text: message ?? '' });
  const parts = [el('h2', { id: 'signin-heading', 'data-i18n': 'signin.title', text: t('signin.title') }), problem];

  if (config.devTokens) {
    const role = options(el('select'), ROLES.map(r => [r, t(`role.${r}`)]), 'police');
    const sub = el('input', { type: 'text', required: true, maxlength: 128, autocomplete: 'off', value: 'police-demo' });
    const name = el('input', { type: 'text', maxlength: 80, autocomplete: 'off' });
    role.addEventListener('change', () => {
      sub.value = `${role.value}-demo`;
    });
    parts.push(el('form', {
      class: 'signin-form', id: 'dev-signin',
      onsubmit: async e => {
        e.preventDefault();
        try {
          const s = await devSignIn(api, sub.value, role.value, language(), name.value);
          if (s) await start(s);
        } catch (error) {
          problem.textContent = error.message;
        }
      },
    },
    el('h3', { 'data-i18n': 'signin.dev', text: t('signin.dev') }),
    el('p', { class: 'hint', 'data-i18n': 'signin.devHint', text: t('signin.devHint') }),
    field('dev-role', 'signin.role', role, t), field('dev-sub', 'signin.sub', sub, t), field('dev-name', 'signin.name', name, t),
    el('button', { type: 'submit', class: 'primary', id: 'dev-signin-button', 'data-i18n': 'signin.go', text: t('signin.go') })));
  }

  if (config.oidc) {
    parts.push(el('div', { class: 'signin-form' },
      el('h3', { 'data-i18n': 'signin.oidc', text: t('signin.oidc') }),
      el('button', {
        type: 'button', class: 'primary', id: 'oidc-signin',
        onclick: () => oidcSignIn(config.oidc).catch(error => { problem.textContent = error.message; }),
      }, t('signin.oidcButton'))));
  } else if (!config.devTokens) {
    parts.push(el('p', { class: 'hint', 'data-i18n': 'signin.noProvider', text: t('signin.noProvider') }));
  }

  const token = el('textarea', { rows: 3, autocomplete: 'off', spellcheck: 'false' });
  parts.push(el('details', { class: 'signin-form' },
    el('summary', { 'data-i18n': 'signin.token', text: t('signin.token') }),
    el('form', {
      onsubmit: async e => {
        e.preventDefault();
        const s = sessionFrom(token.value);
        if (s) await start(s);
        else problem.textContent = t('signin.badToken');
      },
    }, field('token-input', 'signin.tokenLabel', token, t), el('button', { type: 'submit', 'data-i18n': 'signin.go', text: t('signin.go') }))));

  main.replaceChildren(el('section', { class: 'panel signin', 'aria-labelledby': 'signin-heading' }, ...parts));
}

async function changeLanguage(lang) {
  await setLanguage(lang);
  setLiveState(liveState.dataset.state || 'offline');
  showWho();
  if (session?.role === 'citizen') api.put('/api/me', { language: lang }).catch(() => {});
  if (view) view.relabel();
  else if (!session) showSignIn(document.getElementById('signin-problem')?.textContent);
}

async function boot() {
  await setLanguage(preferredLanguage());
  options(languageSelect, LANGUAGES.map(l => [l, NATIVE_NAMES[l]]), language());
  languageSelect.addEventListener('change', () => changeLanguage(languageSelect.value));
  signOutButton.addEventListener('click', () => signOut());
  setLiveState('offline');
  try {
    const response = await fetch('/console/config.json');
    if (response.ok) config = await response.json();
  } catch {
    // Offline: the token form still works.
  }
  let restored = null;
  if (config.oidc) {
    try {
      restored = await completeOidcSignIn(config.oidc);
    } catch (error) {
      showSignIn(error.message);
      return;
    }
  }
  restored = restored ?? loadSession();
  if (restored) await start(restored);
  else showSignIn();
}

boot();
