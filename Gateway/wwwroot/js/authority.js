// The police and council view: the map, a live incident list with filters, the selected
// incident (timeline, notes, actions), the alert form and a training exercise followed live.

import { el, field, options, say } from './dom.js';
import { t, formatTime, LANGUAGES, NATIVE_NAMES } from './i18n.js';
import { CityMap, CATEGORY_GLYPHS } from './map.js';
import { City, CATEGORIES, STATUSES, ACTIVE } from './city.js';
import { IncidentPanel } from './incident.js';
import { ExercisePanel } from './exercise.js';

const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];

export async function authorityView(main, ctx) {
  const filters = { status: 'all', category: 'all', neighbourhood: 'all' };
  let map = null;
  const list = el('ul', { class: 'incident-list', id: 'incident-list', 'aria-labelledby': 'list-heading' });
  // The count is announced when it changes; the list itself is not read out on every update.
  const count = el('p', { class: 'count', id: 'incident-count', role: 'status' });
  const detail = el('section', { class: 'panel detail', id: 'incident-detail', 'aria-label': t('incident.title') });
  const mapBox = el('div', { class: 'map-box', id: 'map' });
  const statusFilter = el('select');
  const categoryFilter = el('select');
  const areaFilter = el('select');
  const alertPanel = el('section', { class: 'panel alerts', 'aria-labelledby': 'alert-heading' });
  const exerciseRoot = el('section', { class: 'panel exercise', id: 'exercise-panel', 'aria-labelledby': 'exercise-heading' });

  const city = new City(ctx, incident => {
    if (incident) map?.upsert(incident);
    else for (const i of city.incidents.values()) map?.upsert(i);
    renderList();
  }, id => map?.remove(id));
  const panel = new IncidentPanel(detail, {
    ...ctx,
    neighbourhoodName: slug => city.name(slug),
    onView: view => {
      const known = city.incidents.get(view.id);
      if (known && known.status !== view.status) {
        known.status = view.status;
        map?.upsert(known);
        renderList();
      }
    },
  });

  function visible(incident) {
    if (filters.status === 'active' ? !ACTIVE.has(incident.status) : filters.status !== 'all' && incident.status !== filters.status) return false;
    if (filters.category !== 'all' && incident.category !== filters.category) return false;
    return filters.neighbourhood === 'all' || incident.neighbourhood === filters.neighbourhood;
  }

  function renderList() {
    const shown = [...city.incidents.values()].filter(visible).sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
    list.replaceChildren(...shown.map(i => el('li', {},
      el('button', {
        type: 'button', class: 'incident-item', dataset: { incidentId: i.id, status: i.status },
        'aria-current': panel.id === i.id ? 'true' : false,
        onclick: () => select(i.id),
      },
      el('span', { class: `glyph status-${i.status}`, 'aria-hidden': 'true', text: CATEGORY_GLYPHS[i.category] ?? '•' }),
      el('span', { class: 'title', text: t(`category.${i.category}`) }),
      el('span', { class: `badge status-${i.status}`, text: t(`status.${i.status}`) }),
      el('span', { class: 'where', text: `${city.name(i.neighbourhood)} · ${formatTime(i.updatedAt ?? i.reportedAt)}` })))));
    count.textContent = t('list.count', { shown: shown.length, total: city.incidents.size });
    for (const [id, incident] of city.incidents) {
      if (visible(incident)) map?.upsert(incident);
      else map?.remove(id);
    }
    map?.setPressed(new Set(filters.neighbourhood === 'all' ? [] : [filters.neighbourhood]), 'map.focused');
  }

  async function select(id) {
    map?.select(id);
    try {
      await panel.open(id);
      renderList();
      detail.querySelector('#incident-heading')?.focus();
    } catch (error) {
      detail.replaceChildren(el('p', { class: 'problem', role: 'alert', text: error.message }));
    }
  }

  function fillFilters() {
    options(statusFilter, [['all', t('filter.all')], ['active', t('filter.active')], ...STATUSES.map(s => [s, t(`status.${s}`)])], filters.status);
    options(categoryFilter, [['all', t('filter.all')], ...CATEGORIES.map(c => [c, t(`category.${c}`)])], filters.category);
    options(areaFilter, [['all', t('filter.all')], ...city.neighbourhoods.map(n => [n.slug, n.name])], filters.neighbourhood);
  }

  for (const [select, key] of [[statusFilter, 'status'], [categoryFilter, 'category'], [areaFilter, 'neighbourhood']]) {
    select.addEventListener('change', () => {
      filters[key] = select.value;
      renderList();
    });
  }

  function renderAlertForm() {
    const typed = new Map([...alertPanel.querySelectorAll('[id]')].map(c => [c.id, c.value]));
    const result = el('p', { class: 'problem', role: 'alert', id: 'alert-result' });
    const area = options(el('select'), city.neighbourhoods.map(n => [n.slug, n.name]), city.neighbourhoods[0]?.slug);
    const headline = el('input', { type: 'text', required: true, maxlength: 200 });
    const description = el('textarea', { rows: 3, required: true, maxlength: 4000 });
    const severity = options(el('select'), SEVERITIES.map(v => [v, t(`cap.severity.${v}`)]), 'Moderate');
    const urgency = options(el('select'), URGENCIES.map(v => [v, t(`cap.urgency.${v}`)]), 'Expected');
    const certainty = options(el('select'), CERTAINTIES.map(v => [v, t(`cap.certainty.${v}`)]), 'Likely');
    const otherLanguage = options(el('select'), [['', t('alert.noTranslation')], ...LANGUAGES.filter(l => l !== ctx.language()).map(l => [l, NATIVE_NAMES[l]])], '');
    const otherHeadline = el('input', { type: 'text', maxlength: 200 });
    const otherDescription = el('textarea', { rows: 2, maxlength: 4000 });
    const form = el('form', {
      class: 'alert-form',
      onsubmit: async e => {
        e.preventDefault();
        say(result, '');
        try {
          await ctx.api.post(`/api/neighbourhoods/${encodeURIComponent(area.value)}/alerts`, {
            headline: headline.value, description: description.value,
            severity: severity.value, urgency: urgency.value, certainty: certainty.value, language: ctx.language(),
            translations: otherLanguage.value
              ? { [otherLanguage.value]: { headline: otherHeadline.value, description: otherDescription.value } }
              : undefined,
          });
          say(result, t('alert.issued'), true);
          for (const control of [headline, description, otherHeadline, otherDescription]) control.value = '';
        } catch (error) {
          say(result, error.message);
        }
      },
    },
    field('alert-area', 'alert.neighbourhood', area, t), field('alert-headline', 'alert.headline', headline, t),
    field('alert-description', 'alert.description', description, t),
    el('div', { class: 'row' }, field('alert-severity', 'alert.severity', severity, t), field('alert-urgency', 'alert.urgency', urgency, t),
      field('alert-certainty', 'alert.certainty', certainty, t)),
    el('fieldset', { class: 'translation' }, el('legend', { text: t('alert.translation') }),
      field('alert-other-language', 'alert.translationLanguage', otherLanguage, t),
      field('alert-other-headline', 'alert.headline', otherHeadline, t),
      field('alert-other-description', 'alert.description', otherDescription, t)),
    el('button', { type: 'submit', id: 'alert-button' }, t('alert.issue')), result);
    alertPanel.replaceChildren(el('h2', { id: 'alert-heading', text: t('alert.title') }), form);
    for (const [id, value] of typed) {
      const control = document.getElementById(id);
      if (control && id !== 'alert-result') control.value = value;
    }
  }

  main.replaceChildren(el('div', { class: 'layout authority' },
    el('section', { class: 'panel map-panel', 'aria-labelledby': 'map-heading' },
      el('h2', { id: 'map-heading', 'data-i18n': 'map.heading', text: t('map.heading') }),
      el('p', { class: 'hint', 'data-i18n': 'map.authorityHint', text: t('map.authorityHint') }),
      mapBox, legend()),
    el('section', { class: 'panel list-panel', 'aria-labelledby': 'list-heading' },
      el('h2', { id: 'list-heading', 'data-i18n': 'list.heading', text: t('list.heading') }),
      el('div', { class: 'filters' },
        field('filter-status', 'filter.status', statusFilter, t),
        field('filter-category', 'filter.category', categoryFilter, t),
        field('filter-neighbourhood', 'filter.neighbourhood', areaFilter, t)),
      count, list),
    detail, alertPanel, exerciseRoot));
  // An exercise's incidents are in no neighbourhood's list: they open from the exercise panel.
  const exercise = new ExercisePanel(exerciseRoot, ctx, id => select(id));
  exercise.render();
  exercise.start();

  await city.load();
  map = new CityMap(mapBox, city.neighbourhoods, {
    onArea: slug => {
      filters.neighbourhood = filters.neighbourhood === slug ? 'all' : slug;
      areaFilter.value = filters.neighbourhood;
      renderList();
    },
    onMarker: id => select(id),
  });
  fillFilters();
  renderAlertForm();
  renderList();
  await city.follow();

  return {
    dispose() {
      exercise.stop();
    },
    relabel() {
      fillFilters();
      renderAlertForm();
      exercise.render();
      renderList();
      map.retitle(city.incidents.values());
      detail.setAttribute('aria-label', t('incident.title'));
      panel.render();
    },
  };
}

/** What the markers mean. */
export function legend() {
  return el('details', { class: 'legend' },
    el('summary', { 'data-i18n': 'legend.title', text: t('legend.title') }),
    el('ul', {}, ...CATEGORIES.map(c => el('li', {}, el('span', { class: 'glyph', 'aria-hidden': 'true', text: CATEGORY_GLYPHS[c] }), ' ',
      el('span', { 'data-i18n': `category.${c}`, text: t(`category.${c}`) })))),
    el('ul', {}, ...STATUSES.map(s => el('li', {}, el('span', { class: `swatch status-${s}`, 'aria-hidden': 'true' }), ' ',
      el('span', { 'data-i18n': `status.${s}`, text: t(`status.${s}`) })))));
}
