// The citizen view: report by picking a point on the map (or the device's location), "my
// reports" with their live status (the me stream), the report's public timeline, neighbourhoods
// to follow (also by clicking them on the map), alerts in the chosen language, erasure.

import { el, field, options, say } from './dom.js';
import { t, formatTime, language } from './i18n.js';
import { CityMap, CATEGORY_GLYPHS } from './map.js';
import { City, CATEGORIES } from './city.js';
import { IncidentPanel } from './incident.js';
import { legend } from './authority.js';

export async function citizenView(main, ctx) {
  let map = null;
  let profile = { follows: [], reports: [] };
  const reports = new Map();
  const alerts = new Map();
  const city = new City(ctx, incident => {
    if (incident) map?.upsert(incident);
    else for (const i of city.incidents.values()) map?.upsert(i);
  }, id => map?.remove(id));

  const mapBox = el('div', { class: 'map-box', id: 'map' });
  const reportPanel = el('section', { class: 'panel report', 'aria-labelledby': 'report-heading' });
  const myList = el('ul', { class: 'incident-list', id: 'my-reports' });
  const detail = el('section', { class: 'panel detail', id: 'incident-detail', 'aria-label': t('incident.title') });
  const followBox = el('fieldset', { class: 'follows', id: 'follows' });
  const alertList = el('ul', { class: 'alert-list', id: 'alerts', 'aria-live': 'polite' });
  const erasePanel = el('section', { class: 'panel erase', 'aria-labelledby': 'erase-heading' });
  const panel = new IncidentPanel(detail, {
    ...ctx,
    neighbourhoodName: slug => city.name(slug),
    onView: view => {
      const mine = reports.get(view.id);
      if (mine && mine.status !== view.status) {
        mine.status = view.status;
        renderReports();
      }
    },
  });

  // Report form -------------------------------------------------------------------------------
  let picking = false;
  function renderReportForm() {
    const typed = new Map([...reportPanel.querySelectorAll('[id]')].filter(c => 'value' in c).map(c => [c.id, c.value]));
    const category = options(el('select', { required: true }), CATEGORIES.map(c => [c, t(`category.${c}`)]), 'public-space');
    const description = el('textarea', { rows: 3, maxlength: 4000, required: true });
    const lat = el('input', { type: 'number', step: 'any', min: -90, max: 90, required: true, inputmode: 'decimal' });
    const lon = el('input', { type: 'number', step: 'any', min: -180, max: 180, required: true, inputmode: 'decimal' });
    const accuracy = el('input', { type: 'hidden', id: 'report-accuracy' });
    const result = el('p', { class: 'problem', role: 'alert', id: 'report-result' });
    const pick = el('button', { type: 'button', id: 'pick-button', 'aria-pressed': String(picking) }, t('report.pick'));
    pick.addEventListener('click', () => setPicking(!picking));
    const locate = el('button', { type: 'button', id: 'locate-button' }, t('report.locate'));
    locate.addEventListener('click', () => {
      result.textContent = '';
      if (!navigator.geolocation) {
        result.textContent = t('report.noLocation');
        return;
      }
      navigator.geolocation.getCurrentPosition(position => {
        setPoint(position.coords.latitude, position.coords.longitude, position.coords.accuracy);
      }, () => {
        result.textContent = t('report.noLocation');
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
    const form = el('form', {
      class: 'report-form',
      onsubmit: async e => {
        e.preventDefault();
        result.textContent = '';
        const location = { lat: Number(lat.value), lon: Number(lon.value) };
        if (accuracy.value) location.accuracyM = Number(accuracy.value);
        try {
          const view = await ctx.api.post('/api/incidents', { category: category.value, description: description.value, location, language: language() });
          description.value = '';
          say(result, t('report.sent'), true);
          addReport(view);
          setPicking(false);
          map?.clearPick();
        } catch (error) {
          say(result, error.message);
        }
      },
    },
    field('report-category', 'report.category', category, t),
    field('report-description', 'report.description', description, t),
    el('div', { class: 'row' }, field('report-lat', 'report.lat', lat, t), field('report-lon', 'report.lon', lon, t)), accuracy,
    el('div', { class: 'buttons' }, pick, locate),
    el('button', { type: 'submit', id: 'report-button', class: 'primary' }, t('report.submit')), result);
    reportPanel.replaceChildren(el('h2', { id: 'report-heading', text: t('report.title') }), form);
    for (const [id, value] of typed) {
      const control = document.getElementById(id);
      if (control && id !== 'report-result') control.value = value;
    }
  }

  function setPoint(latValue, lonValue, accuracyM) {
    document.getElementById('report-lat').value = latValue.toFixed(6);
    document.getElementById('report-lon').value = lonValue.toFixed(6);
    document.getElementById('report-accuracy').value = accuracyM ? String(Math.round(accuracyM)) : '';
    map?.showPick(latValue, lonValue);
  }

  function setPicking(on) {
    picking = on;
    document.getElementById('pick-button')?.setAttribute('aria-pressed', String(on));
    map?.setPicking(on ? (la, lo) => setPoint(la, lo) : null);
  }

  // My reports -------------------------------------------------------------------------------
  function addReport(view) {
    reports.set(view.id, { id: view.id, category: view.category, status: view.status, reportedAt: view.reportedAt, updatedAt: view.updatedAt });
    renderReports();
  }

  function renderReports() {
    const items = [...reports.values()].sort((a, b) => (b.reportedAt ?? '').localeCompare(a.reportedAt ?? ''));
    myList.replaceChildren(...(items.length ? items.map(r => el('li', {},
      el('button', {
        type: 'button', class: 'incident-item', dataset: { incidentId: r.id, status: r.status },
        'aria-current': panel.id === r.id ? 'true' : false,
        onclick: () => open(r.id),
      },
      el('span', { class: `glyph status-${r.status}`, 'aria-hidden': 'true', text: CATEGORY_GLYPHS[r.category] ?? '•' }),
      el('span', { class: 'title', text: t(`category.${r.category}`) }),
      el('span', { class: `badge status-${r.status}`, 'data-role': 'status', text: t(`status.${r.status}`) }),
      el('span', { class: 'where', text: formatTime(r.reportedAt) })))) : [el('li', { class: 'empty', text: t('mine.none') })]));
  }

  async function open(id) {
    try {
      await panel.open(id);
      renderReports();
      detail.querySelector('#incident-heading')?.focus();
    } catch (error) {
      detail.replaceChildren(el('p', { class: 'problem', role: 'alert', text: error.message }));
    }
  }

  async function loadProfile() {
    profile = await ctx.api.get('/api/me');
    const latest = profile.reports.slice(-50);
    const views = await Promise.all(latest.map(id => ctx.api.get(`/api/incidents/${encodeURIComponent(id)}`).catch(() => null)));
    for (const view of views.filter(Boolean)) addReport(view);
    renderReports();
    renderFollows();
    renderAlerts();
  }

  async function followMe() {
    await ctx.live.follow('me', profile.seq, envelope => {
      const d = envelope.data ?? {};
      const mine = reports.get(d.incidentId);
      if (mine) {
        mine.status = d.status ?? mine.status;
        mine.updatedAt = envelope.occurredAt;
        renderReports();
      } else if (d.incidentId) {
        ctx.api.get(`/api/incidents/${encodeURIComponent(d.incidentId)}`).then(addReport).catch(() => {});
      }
    }, async () => {
      await loadProfile();
      await followMe();
    });
  }

  // Follows ----------------------------------------------------------------------------------
  async function setFollows(slugs) {
    try {
      profile = await ctx.api.put('/api/me/follows', slugs);
    } catch (error) {
      followBox.querySelector('.problem')?.replaceChildren(error.message);
    }
    renderFollows();
    renderAlerts();
  }

  function toggleFollow(slug) {
    const follows = new Set(profile.follows);
    if (follows.has(slug)) follows.delete(slug);
    else follows.add(slug);
    return setFollows([...follows]);
  }

  function renderFollows() {
    const follows = new Set(profile.follows);
    followBox.replaceChildren(el('legend', { text: t('follow.title') }),
      ...city.neighbourhoods.map(n => {
        const box = el('input', { type: 'checkbox', id: `follow-${n.slug}`, checked: follows.has(n.slug), dataset: { slug: n.slug } });
        box.addEventListener('change', () => toggleFollow(n.slug));
        return el('div', { class: 'check' }, box, el('label', { for: `follow-${n.slug}`, text: n.name }));
      }),
      el('p', { class: 'problem', role: 'alert' }));
    map?.setPressed(follows, 'map.followed');
  }

  // Alerts -----------------------------------------------------------------------------------
  function alertText(alert) {
    const texts = alert.texts ?? {};
    const lang = language();
    const key = Object.keys(texts).find(k => k.toLowerCase() === lang) ?? Object.keys(texts).find(k => k.toLowerCase().split('-')[0] === lang);
    return key ? texts[key] : { headline: alert.headline, description: alert.description };
  }

  function renderAlerts() {
    const follows = new Set(profile.follows);
    const shown = [...alerts.values()].filter(a => follows.has(a.neighbourhood)).sort((a, b) => (b.sent ?? '').localeCompare(a.sent ?? ''));
    alertList.replaceChildren(...(shown.length ? shown.map(a => {
      const text = alertText(a);
      return el('li', { class: `alert severity-${String(a.severity).toLowerCase()}`, dataset: { alertId: a.id } },
        el('strong', { class: 'headline', text: text.headline }),
        el('span', { class: 'meta', text: `${city.name(a.neighbourhood)} · ${t(`cap.severity.${a.severity}`)} · ${formatTime(a.sent)}` }),
        el('p', { text: text.description }));
    }) : [el('li', { class: 'empty', text: t('alerts.none') })]));
  }

  async function followCity(afterSeq) {
    await ctx.live.follow('city', afterSeq, envelope => {
      if (envelope.type === 'alert.issued' && envelope.data?.alert) {
        alerts.set(envelope.data.alert.id, envelope.data.alert);
        renderAlerts();
      }
    }, () => followCity(null));
  }

  // Erasure ----------------------------------------------------------------------------------
  function renderErase() {
    const dialog = el('dialog', { id: 'erase-dialog', 'aria-labelledby': 'erase-confirm-heading' },
      el('h2', { id: 'erase-confirm-heading', text: t('erase.confirmTitle') }),
      el('p', { text: t('erase.confirmText') }),
      el('form', { method: 'dialog', class: 'buttons' },
        el('button', { value: 'cancel', id: 'erase-cancel', autofocus: true }, t('erase.cancel')),
        el('button', { value: 'erase', id: 'erase-confirm', class: 'danger' }, t('erase.confirm'))));
    const result = el('p', { class: 'problem', role: 'alert' });
    dialog.addEventListener('close', async () => {
      if (dialog.returnValue !== 'erase') return;
      try {
        await ctx.api.del('/api/me');
        ctx.signOut(t('erase.done'));
      } catch (error) {
        result.textContent = error.message;
      }
    });
    erasePanel.replaceChildren(el('h2', { id: 'erase-heading', text: t('erase.title') }), el('p', { text: t('erase.text') }),
      el('button', { type: 'button', id: 'erase-button', class: 'danger', onclick: () => dialog.showModal() }, t('erase.button')), result, dialog);
  }

  main.replaceChildren(el('div', { class: 'layout citizen' },
    el('section', { class: 'panel map-panel', 'aria-labelledby': 'map-heading' },
      el('h2', { id: 'map-heading', 'data-i18n': 'map.heading', text: t('map.heading') }),
      el('p', { class: 'hint', 'data-i18n': 'map.citizenHint', text: t('map.citizenHint') }),
      mapBox, legend()),
    reportPanel,
    el('section', { class: 'panel mine', 'aria-labelledby': 'mine-heading' }, el('h2', { id: 'mine-heading', 'data-i18n': 'mine.title', text: t('mine.title') }), myList),
    detail,
    el('section', { class: 'panel follow-panel', 'aria-labelledby': 'alerts-heading' },
      el('h2', { id: 'alerts-heading', 'data-i18n': 'alerts.title', text: t('alerts.title') }), followBox, alertList),
    erasePanel));

  renderReportForm();
  renderErase();
  await city.load();
  map = new CityMap(mapBox, city.neighbourhoods, { onArea: slug => toggleFollow(slug) });
  await loadProfile();
  await Promise.all([city.follow(), followMe(), followCity(0)]);

  return {
    relabel() {
      renderReportForm();
      setPicking(picking);
      renderReports();
      renderFollows();
      renderAlerts();
      renderErase();
      map.retitle(city.incidents.values());
      detail.setAttribute('aria-label', t('incident.title'));
      panel.render();
    },
  };
}
