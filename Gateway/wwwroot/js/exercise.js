// A training exercise as its trainees (police, council) follow it: its name, status and progress,
// the injects played so far and the incidents it reported, live on the exercise:{id} stream. The
// stream is followed from its start (it keeps every event of an exercise), so a replay after a
// reconnect or a resync rebuilds the same picture; each event is applied once, by its seq.
// The city's running and paused exercises are listed to pick from (GET /api/exercises, read again
// every 10 s while the page is shown, and on demand); an id can still be typed.

import { el, field, say } from './dom.js';
import { t, formatTime } from './i18n.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIST = '/api/exercises?status=running,paused&limit=50';
const LIST_EVERY_MS = 10_000;

export class ExercisePanel {
  #ctx;
  #root;
  #onIncident;
  #id = null;
  #state = null;
  #seen = new Set();
  #parts = null;
  #input = el('input', { type: 'text', maxlength: 36, autocomplete: 'off', spellcheck: 'false' });
  #problem = el('p', { class: 'problem', role: 'alert', id: 'exercise-problem' });
  #listed = null;
  #listProblem = '';
  #poll = null;

  /** ctx: { api, live }; onIncident(id) opens one of the exercise's incidents. */
  constructor(root, ctx, onIncident) {
    this.#root = root;
    this.#ctx = ctx;
    this.#onIncident = onIncident;
  }

  /** Reads the list now, then every LIST_EVERY_MS while the page is visible, until stopped. */
  start() {
    this.stop();
    this.refreshList();
    this.#poll = setInterval(() => {
      if (document.visibilityState === 'visible') this.refreshList();
    }, LIST_EVERY_MS);
  }

  stop() {
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
  }

  async refreshList() {
    try {
      this.#listed = await this.#ctx.api.get(LIST);
      this.#listProblem = '';
    } catch (error) {
      this.#listProblem = error.message;
    }
    this.#renderList();
  }

  async follow(id) {
    say(this.#problem, '');
    const trimmed = id.trim().toLowerCase();
    if (!ID.test(trimmed)) {
      say(this.#problem, t('exercise.badId'));
      return;
    }
    try {
      const view = await this.#ctx.api.get(`/api/exercises/${encodeURIComponent(trimmed)}`);
      if (this.#id && this.#id !== trimmed) await this.#ctx.live.unfollow(`exercise:${this.#id}`);
      this.#id = trimmed;
      this.#state = { name: view.name, status: view.status, played: view.stepsPlayed, total: view.stepsTotal, injects: [], incidents: new Map() };
      this.#seen = new Set();
      this.#root.dataset.exerciseId = trimmed;
      this.#input.value = trimmed;
      this.render();
      await this.#ctx.live.follow(`exercise:${trimmed}`, 0, e => this.#apply(e), () => this.follow(trimmed));
    } catch (error) {
      say(this.#problem, error.message);
    }
  }

  #apply(envelope) {
    if (this.#seen.has(envelope.id)) return;
    this.#seen.add(envelope.id);
    const state = this.#state;
    const data = envelope.data ?? {};
    state.status = data.status ?? state.status;
    state.played = data.stepsPlayed ?? state.played;
    state.total = data.stepsTotal ?? state.total;
    if (envelope.type === 'exercise.inject') state.injects.push({ at: envelope.occurredAt, text: data.text ?? '' });
    if (data.step?.ref && data.step?.incidentId) state.incidents.set(data.step.ref, data.step.incidentId);
    // The list shows the followed exercise as its stream has it, until the list is read again.
    const listed = this.#listed?.find(e => e.id === this.#id);
    if (listed) {
      listed.status = state.status;
      listed.stepsPlayed = state.played;
      this.#renderList();
    }
    this.#refresh();
  }

  /** Builds the panel (again after a language change). */
  render() {
    const typed = this.#input.value;
    this.#parts = {
      summary: el('p', { class: 'exercise-summary', id: 'exercise-summary', role: 'status' }),
      injects: el('ol', { class: 'injects', id: 'exercise-injects', 'aria-live': 'polite' }),
      incidents: el('ul', { class: 'exercise-incidents', id: 'exercise-incidents' }),
      list: el('ul', { class: 'exercise-list', id: 'exercise-list', 'aria-labelledby': 'exercise-list-heading' }),
    };
    const form = el('form', {
      class: 'group inline',
      onsubmit: e => { e.preventDefault(); this.follow(this.#input.value); },
    }, field('exercise-id', 'exercise.id', this.#input, t), el('button', { type: 'submit', id: 'exercise-follow' }, t('exercise.follow')));
    this.#root.replaceChildren(
      el('h2', { id: 'exercise-heading', text: t('exercise.title') }),
      el('div', { class: 'list-head' },
        el('h3', { id: 'exercise-list-heading', text: t('exercise.list') }),
        el('button', { type: 'button', id: 'exercise-refresh', onclick: () => this.refreshList() }, t('exercise.refresh'))),
      this.#parts.list,
      form, this.#problem, this.#parts.summary,
      el('h3', { text: t('exercise.injects') }), this.#parts.injects,
      el('h3', { text: t('exercise.incidents') }), this.#parts.incidents);
    this.#input.value = typed;
    this.#renderList();
    this.#refresh();
  }

  /** The running and paused exercises, newest first: each a button that follows it. */
  #renderList() {
    const list = this.#parts?.list;
    if (!list) return;
    if (this.#listProblem) {
      list.replaceChildren(el('li', { class: 'problem', text: this.#listProblem }));
      return;
    }
    if (!this.#listed) {
      list.replaceChildren(el('li', { class: 'empty', text: t('loading') }));
      return;
    }
    list.replaceChildren(...(this.#listed.length ? this.#listed.map(e => el('li', {},
      el('button', {
        type: 'button', class: 'exercise-item', dataset: { exerciseId: e.id, status: e.status },
        'aria-current': this.#id === e.id ? 'true' : false,
        onclick: () => this.follow(e.id),
      },
      el('span', { class: 'title', text: e.name }),
      el('span', { class: 'badge exercise-status', text: t(`exercise.status.${e.status}`) }),
      el('span', { class: 'where', text: [
        t('exercise.progress', { played: e.stepsPlayed, total: e.stepsTotal }), `${e.speed}×`,
        e.startedBy ? t('exercise.startedBy', { name: e.startedBy }) : null, formatTime(e.startedAt),
      ].filter(Boolean).join(' · ') })))) : [el('li', { class: 'empty', text: t('exercise.noneListed') })]));
  }

  #refresh() {
    const state = this.#state;
    const parts = this.#parts;
    if (!parts) return;
    if (!state) {
      parts.summary.textContent = t('exercise.none');
      return;
    }
    parts.summary.replaceChildren(
      el('span', { class: 'badge exercise', text: t('exercise.badge') }), ' ', `${state.name} · `,
      el('span', { id: 'exercise-status', dataset: { status: state.status }, text: t(`exercise.status.${state.status}`) }),
      ` · ${t('exercise.progress', { played: state.played, total: state.total })}`);
    parts.injects.replaceChildren(...(state.injects.length
      ? state.injects.map(i => el('li', {}, el('time', { text: formatTime(i.at) }), ' ', i.text))
      : [el('li', { class: 'empty', text: t('exercise.noInjects') })]));
    parts.incidents.replaceChildren(...[...state.incidents].map(([ref, id]) => el('li', {},
      el('button', { type: 'button', class: 'link', dataset: { incidentId: id }, onclick: () => this.#onIncident(id) }, ref))));
  }
}
