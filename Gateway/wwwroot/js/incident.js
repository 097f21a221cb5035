// One incident as the signed-in user may see it: its view (GET /api/incidents/{id}), its timeline
// (GET …/events, then the incident:{id} stream from the timeline's head), its notes and the
// actions the role allows. Every entry of the timeline is keyed by its seq and id, so a replay
// after a reconnect can never show one twice.

import { el, field, options, uid, say } from './dom.js';
import { t, formatTime } from './i18n.js';

const TRANSITIONS = {
  reported: ['acknowledged', 'rejected', 'duplicate'],
  acknowledged: ['dispatched', 'resolved', 'rejected', 'duplicate'],
  dispatched: ['resolved'],
  resolved: ['closed', 'acknowledged'],
};

export class IncidentPanel {
  #ctx;
  #root;
  #id = null;
  #view = null;
  #events = new Map();
  #parts = null;
  #problem;
  #generation = 0;

  /** ctx: { api, live, session, onView(view) }. */
  constructor(root, ctx) {
    this.#root = root;
    this.#ctx = ctx;
  }

  get id() {
    return this.#id;
  }

  async open(id) {
    if (this.#id && this.#id !== id) await this.#ctx.live.unfollow(`incident:${this.#id}`);
    this.#id = id;
    const generation = ++this.#generation;
    const { api, live } = this.#ctx;
    const view = await api.get(`/api/incidents/${encodeURIComponent(id)}`);
    const events = [];
    let after = 0;
    let head = 0;
    for (;;) {
      const page = await api.get(`/api/incidents/${encodeURIComponent(id)}/events?afterSeq=${after}`);
      events.push(...page.events);
      head = page.head;
      after = page.events.length ? page.events[page.events.length - 1].seq : head;
      if (!page.truncated || page.events.length === 0 || after >= head) break;
    }
    if (generation !== this.#generation) return;
    this.#view = view;
    this.#events = new Map(events.map(e => [e.seq, e]));
    this.render();
    await live.follow(`incident:${id}`, head, e => this.#apply(e), () => this.open(id));
    this.#ctx.onView?.(view);
  }

  async close() {
    if (this.#id) await this.#ctx.live.unfollow(`incident:${this.#id}`);
    this.#id = null;
    this.#view = null;
    this.#generation += 1;
    this.#root.replaceChildren();
  }

  #apply(envelope) {
    if ([...this.#events.values()].some(e => e.id === envelope.id)) return;
    this.#events.set(envelope.seq, envelope);
    const view = this.#view;
    const data = envelope.data ?? {};
    switch (envelope.type) {
      case 'incident.status_changed':
        view.status = data.to;
        break;
      case 'incident.assigned':
        view.assignedUnit = data.unit ?? null;
        break;
      case 'incident.note_added':
        if (data.note && !view.notes.some(n => n.eventId === data.note.eventId)) view.notes.push(data.note);
        break;
      case 'incident.note_hidden':
        for (const note of view.notes.filter(n => n.eventId === data.eventId)) {
          note.hidden = true;
          if (view.audience !== 'police') note.text = null;
        }
        break;
      case 'incident.note_restored':
        // The restored text is not in the event: read the view again.
        this.#ctx.api.get(`/api/incidents/${encodeURIComponent(this.#id)}`).then(v => {
          this.#view = v;
          this.#refresh();
        }).catch(() => {});
        break;
      default:
        break;
    }
    this.#refresh();
    this.#ctx.onView?.(view);
  }

  /** Builds the panel (again after a language change, keeping what was typed). */
  render() {
    const view = this.#view;
    if (!view) return;
    const typed = new Map([...this.#root.querySelectorAll('input[id], textarea[id], select[id]')].map(c => [c.id, c.value]));
    this.#problem = el('p', { class: 'problem', role: 'alert' });
    this.#parts = {
      heading: el('h2', { id: 'incident-heading', tabindex: -1 }),
      facts: el('dl', { class: 'facts' }),
      transitions: el('div', { class: 'buttons', role: 'group', 'aria-label': t('actions.status') }),
      notes: el('div', { class: 'notes-list' }),
      timeline: el('ol', { class: 'timeline', id: 'timeline' }),
    };
    const timelineId = uid('timeline');
    this.#root.replaceChildren(el('div', { class: 'incident-body' },
      this.#parts.heading, this.#parts.facts, this.#problem, this.#actions(view), this.#notesSection(),
      el('section', { class: 'timeline-section', 'aria-labelledby': timelineId }, el('h3', { id: timelineId, text: t('timeline.title') }), this.#parts.timeline)));
    for (const [id, value] of typed) {
      const control = document.getElementById(id);
      if (control && this.#root.contains(control)) control.value = value;
    }
    this.#root.dataset.incidentId = view.id;
    this.#refresh();
  }

  /** Updates what events change: the status, facts, the next transitions, notes and timeline. */
  #refresh() {
    const view = this.#view;
    const parts = this.#parts;
    if (!view || !parts) return;
    const focusKey = focusedKey(this.#root);
    parts.heading.replaceChildren(
      // A training exercise's incident says so wherever it is shown.
      view.exercise ? el('span', { class: 'badge exercise', id: 'exercise-badge', title: view.exercise, text: t('exercise.badge') }) : null,
      view.exercise ? ' ' : null,
      `${t(`category.${view.category}`)} · `,
      el('span', { class: `badge status-${view.status}`, 'data-role': 'status', dataset: { status: view.status } }, t(`status.${view.status}`)));
    parts.facts.replaceChildren(
      el('dt', { text: t('incident.description') }), el('dd', { class: 'description', text: view.description }),
      el('dt', { text: t('incident.severity') }), el('dd', { text: t(`severity.${view.severity}`) }),
      el('dt', { text: t('incident.neighbourhood') }), el('dd', { text: this.#ctx.neighbourhoodName?.(view.neighbourhood) ?? view.neighbourhood }),
      el('dt', { text: t('incident.reportedAt') }), el('dd', { text: formatTime(view.reportedAt) }),
      el('dt', { text: t('incident.unit') }), el('dd', { class: 'unit', text: view.assignedUnit ?? t('incident.noUnit') }),
      el('dt', { text: t('incident.location') }),
      el('dd', { text: `${view.location.lat.toFixed(5)}, ${view.location.lon.toFixed(5)}${view.locationBlurred ? ` (${t('incident.blurred')})` : ''}` }));
    parts.transitions.replaceChildren(...this.#transitionButtons(view));
    parts.notes.replaceChildren(this.#notes(view));
    parts.timeline.replaceChildren(...this.#timelineEntries());
    restoreFocus(this.#root, focusKey);
  }

  async #run(action) {
    say(this.#problem, '');
    try {
      const result = await action();
      if (result && result.id === this.#id && result.notes) {
        this.#view = result;
        this.#refresh();
        this.#ctx.onView?.(result);
      }
      return result;
    } catch (error) {
      say(this.#problem, error.message);
      return null;
    }
  }

  #transitionButtons(view) {
    const { session, api } = this.#ctx;
    const role = session.role;
    const next = (TRANSITIONS[view.status] ?? []).filter(s => role === 'police' || s !== 'dispatched');
    if (next.length === 0) return [el('span', { text: t('actions.noTransition') })];
    const path = `/api/incidents/${encodeURIComponent(view.id)}`;
    return next.map(status => el('button', {
      type: 'button', dataset: { statusAction: status },
      onclick: () => {
        const reason = document.getElementById('status-reason')?.value;
        return this.#run(() => api.post(`${path}/status`, { status, reason: reason || undefined }));
      },
    }, t(`action.status.${status}`)));
  }

  #actions(view) {
    const { session, api } = this.#ctx;
    const path = `/api/incidents/${encodeURIComponent(view.id)}`;
    const role = session.role;
    const section = el('section', { class: 'actions', 'aria-labelledby': 'actions-heading' }, el('h3', { id: 'actions-heading', text: t('actions.title') }));

    if (role === 'police' || role === 'council') {
      const reason = el('input', { type: 'text', maxlength: 2000, autocomplete: 'off' });
      section.append(el('div', { class: 'group' }, field('status-reason', 'actions.reason', reason, t), this.#parts.transitions));
    }

    if (role === 'police') {
      const unit = el('input', { type: 'text', maxlength: 100, autocomplete: 'off', value: view.assignedUnit ?? '' });
      section.append(el('form', {
        class: 'group inline', onsubmit: e => { e.preventDefault(); this.#run(() => api.post(`${path}/assign`, { unit: unit.value })); },
      }, field('assign-unit', 'actions.unit', unit, t), el('button', { type: 'submit', id: 'assign-button' }, t('actions.assign'))));

      const why = el('input', { type: 'text', maxlength: 500, autocomplete: 'off' });
      const revealed = el('output', { id: 'reporter-output', 'aria-live': 'polite' });
      section.append(el('form', {
        class: 'group inline',
        onsubmit: async e => {
          e.preventDefault();
          const r = await this.#run(() => api.get(`${path}/reporter?reason=${encodeURIComponent(why.value)}`));
          if (r) revealed.textContent = r.erased ? t('reporter.erased') : t('reporter.is', { sub: r.sub ?? '', name: r.name ?? '–' });
        },
      }, field('reveal-reason', 'actions.revealReason', why, t), el('button', { type: 'submit', id: 'reveal-button' }, t('actions.reveal')), revealed));
    }

    const mayNote = role === 'police' || role === 'council' || (role === 'citizen' && view.isOwnReport);
    if (mayNote) {
      const text = el('textarea', { rows: 2, maxlength: 2000, required: true });
      const visibilities = role === 'police' ? ['public', 'authorities', 'police'] : role === 'council' ? ['public', 'authorities'] : ['public'];
      const visibility = options(el('select'), visibilities.map(v => [v, t(`visibility.${v}`)]), 'public');
      section.append(el('form', {
        class: 'group',
        onsubmit: async e => {
          e.preventDefault();
          if (await this.#run(() => api.post(`${path}/notes`, { text: text.value, visibility: visibility.value }))) text.value = '';
        },
      }, field('note-text', 'actions.noteText', text, t), field('note-visibility', 'actions.visibility', visibility, t),
      el('button', { type: 'submit', id: 'note-button' }, t('actions.addNote'))));
    }
    return section.childElementCount > 1 ? section : null;
  }

  #notesSection() {
    const moderator = this.#ctx.session.role === 'police' || this.#ctx.session.role === 'council';
    const id = uid('notes');
    return el('section', { class: 'notes-section', 'aria-labelledby': id },
      el('h3', { id, text: t('notes.title') }),
      moderator ? field('moderation-reason', 'note.reason', el('input', { type: 'text', maxlength: 500, autocomplete: 'off' }), t) : null,
      this.#parts.notes);
  }

  #notes(view) {
    const { session, api } = this.#ctx;
    const path = `/api/incidents/${encodeURIComponent(view.id)}`;
    const moderator = session.role === 'police' || session.role === 'council';
    if (view.notes.length === 0) return el('p', { text: t('notes.none') });
    const list = el('ul', { class: 'notes', id: 'notes' });
    for (const note of view.notes) {
      const item = el('li', {
        class: `note visibility-${note.visibility}${note.hidden ? ' hidden-note' : ''}`,
        dataset: { eventId: note.eventId, visibility: note.visibility, hidden: note.hidden },
      },
      el('span', { class: 'meta' }, `${t(`role.${note.author.role}`)}${note.author.name ? ` (${note.author.name})` : ''} · ${t(`visibility.${note.visibility}`)} · ${formatTime(note.createdAt)}`),
      note.text !== null && note.text !== undefined ? el('p', { class: 'note-text', text: note.text }) : el('p', { class: 'note-text removed', text: t('note.hidden') }),
      note.hidden && note.text ? el('span', { class: 'badge', text: t('note.hiddenBadge') }) : null);
      if (moderator && note.visibility === 'public') {
        const action = note.hidden ? 'restore' : 'hide';
        item.append(el('button', {
          type: 'button', dataset: { moderate: action, key: `${action}-${note.eventId}` },
          onclick: () => {
            const reason = document.getElementById('moderation-reason')?.value || t('note.defaultReason');
            return this.#run(() => api.post(`${path}/moderation`, { eventId: note.eventId, action, reason }));
          },
        }, t(`note.${action}`)));
      }
      if (session.role === 'citizen' && note.visibility === 'public' && !note.hidden && !(view.isOwnReport && note.author.role === 'citizen')) {
        item.append(el('button', {
          type: 'button', dataset: { flag: note.eventId, key: `flag-${note.eventId}` },
          onclick: async () => {
            if (await this.#run(() => api.post(`${path}/flags`, { eventId: note.eventId }))) say(this.#problem, t('note.flagged'), true);
          },
        }, t('note.flag')));
      }
      list.append(item);
    }
    return list;
  }

  #timelineEntries() {
    const audiencePolice = this.#view.audience === 'police';
    const hidden = new Set(this.#view.notes.filter(n => n.hidden).map(n => n.eventId));
    return [...this.#events.values()].sort((a, b) => a.seq - b.seq).map(e => el('li', { dataset: { seq: e.seq, eventId: e.id, type: e.type } },
      el('time', { datetime: e.occurredAt, text: formatTime(e.occurredAt) }), ' ',
      el('span', { class: 'actor', text: t(`role.${e.actor?.role}`) }), ' ',
      el('span', { class: 'what', text: describe(e, hidden, audiencePolice) })));
  }
}

/** What had the focus inside root, to give it back after a refresh. */
function focusedKey(root) {
  const active = document.activeElement;
  if (!active || !root.contains(active)) return null;
  return active.id ? { id: active.id } : active.dataset?.key ? { key: active.dataset.key } : active.dataset?.statusAction ? { status: active.dataset.statusAction } : { heading: true };
}

function restoreFocus(root, key) {
  if (!key || root.contains(document.activeElement)) return;
  const target = key.id ? document.getElementById(key.id)
    : key.key ? root.querySelector(`[data-key="${CSS.escape(key.key)}"]`)
    : key.status ? root.querySelector(`[data-status-action="${CSS.escape(key.status)}"]`) : null;
  (target ?? root.querySelector('#incident-heading'))?.focus();
}

/** One line for a timeline entry, from its type and data (text only). */
export function describe(e, hidden = new Set(), showHidden = false) {
  const d = e.data ?? {};
  switch (e.type) {
    case 'incident.reported':
      return t('event.reported', { category: t(`category.${d.incident?.category}`) });
    case 'incident.note_added': {
      const text = hidden.has(d.note?.eventId) && !showHidden ? t('note.hidden') : (d.note?.text ?? t('note.hidden'));
      return t('event.note', { visibility: t(`visibility.${d.note?.visibility}`), text });
    }
    case 'incident.status_changed':
      return t('event.status', { from: t(`status.${d.from}`), to: t(`status.${d.to}`) }) + (d.reason ? ` (${d.reason})` : '');
    case 'incident.assigned':
      return d.unit ? t('event.assigned', { unit: d.unit }) : t('event.unassigned');
    case 'incident.note_hidden':
      return t('event.noteHidden');
    case 'incident.note_restored':
      return t('event.noteRestored');
    default:
      return e.type;
  }
}
