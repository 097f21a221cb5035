// Texts come from /i18n/{lang}.json; no text of the interface is written in the code.
// Elements carry data-i18n (text), data-i18n-label (aria-label) or data-i18n-placeholder.

export const LANGUAGES = ['en', 'nl', 'fr', 'de', 'it', 'pt', 'es'];
/** Each language's own name (a name, not a text to translate). */
export const NATIVE_NAMES = { en: 'English', nl: 'Nederlands', fr: 'Français', de: 'Deutsch', it: 'Italiano', pt: 'Português', es: 'Español' };
const STORAGE_KEY = 'collab.lang';

let current = 'en';
let texts = {};
let fallback = {};
const listeners = new Set();

async function fetchTexts(lang) {
  const response = await fetch(`/i18n/${lang}.json`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`No texts for ${lang}`);
  return response.json();
}

/** The language to start with: the one chosen before, else the browser's, else English. */
export function preferredLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of navigator.languages ?? []) {
    const base = tag.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function language() {
  return current;
}

export async function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) lang = 'en';
  if (Object.keys(fallback).length === 0) fallback = await fetchTexts('en');
  texts = lang === 'en' ? fallback : await fetchTexts(lang);
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  applyTexts(document);
  for (const listener of listeners) listener(lang);
}

/** The text of key in the current language, with {name} placeholders filled from params. */
export function t(key, params) {
  const template = texts[key] ?? fallback[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function applyTexts(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of root.querySelectorAll('[data-i18n-title]')) node.setAttribute('title', t(node.dataset.i18nTitle));
}

/** Called after every language change (views re-render what they built from data). */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A date and time in the current language. */
export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(current, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(value);
}
