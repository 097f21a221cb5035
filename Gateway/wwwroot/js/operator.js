// The operator view: the cluster at a glance from GET /api/operator/status (silos, this gateway's
// connections, subscriptions, deliveries/s) and GET /api/partners (partner links and their lag),
// read again every two seconds.

import { el } from './dom.js';
import { t, formatTime, formatNumber } from './i18n.js';

const REFRESH_MS = 2000;

export async function operatorView(main, ctx) {
  let previous = null;
  let status = null;
  let partners = [];
  let rate = null;
  let failure = '';
  let timer = null;

  const cards = el('div', { class: 'cards', id: 'operator-cards' });
  const silos = el('div', { class: 'table-box', id: 'silos' });
  const links = el('div', { class: 'table-box', id: 'partners' });
  const updated = el('p', { class: 'hint', id: 'operator-updated', 'aria-live': 'off' });
  const problem = el('p', { class: 'problem', role: 'alert' });

  function card(key, value, id) {
    return el('div', { class: 'card', id }, el('span', { class: 'label', text: t(key) }), el('strong', { class: 'value', text: value }));
  }

  function table(caption, heads, rows, emptyKey) {
    if (rows.length === 0) return el('p', { text: t(emptyKey) });
    return el('table', {},
      el('caption', { class: 'visually-hidden', text: caption }),
      el('thead', {}, el('tr', {}, ...heads.map(h => el('th', { scope: 'col', text: t(h) })))),
      el('tbody', {}, ...rows.map(cells => el('tr', {}, ...cells.map((c, i) => (i === 0 ? el('th', { scope: 'row', text: c }) : el('td', { text: c })))))));
  }

  function render() {
    problem.textContent = failure;
    if (!status) return;
    const gw = status.gateway;
    const subscriptions = Object.values(gw.subscriptions).reduce((a, b) => a + b, 0);
    const clients = status.silos.reduce((a, s) => a + (s.clients ?? 0), 0);
    cards.replaceChildren(
      card('ops.silos', formatNumber(status.silos.length), 'card-silos'),
      card('ops.clients', formatNumber(clients), 'card-clients'),
      card('ops.connections', formatNumber(gw.connections), 'card-connections'),
      card('ops.subscriptions', formatNumber(subscriptions), 'card-subscriptions'),
      card('ops.deliveries', rate === null ? '–' : formatNumber(rate, 1), 'card-deliveries'),
      card('ops.gatewayState', t(gw.draining ? 'ops.draining' : 'ops.serving'), 'card-state'));
    silos.replaceChildren(table(t('ops.silosTitle'),
      ['ops.address', 'ops.name', 'ops.status', 'ops.started', 'ops.activations', 'ops.clientsShort', 'ops.cpu', 'ops.memory'],
      status.silos.map(s => [s.address, s.name, s.status, formatTime(s.startedAt), formatNumber(s.activations), formatNumber(s.clients),
        s.cpuUsage === null ? '–' : `${formatNumber(s.cpuUsage, 1)} %`, s.memoryUsage === null ? '–' : `${formatNumber(s.memoryUsage / 1048576, 0)} MiB`]),
      'ops.noSilos'));
    links.replaceChildren(table(t('ops.partnersTitle'),
      ['ops.partner', 'ops.lag', 'ops.delivered', 'ops.lastSuccess', 'ops.lastError'],
      partners.map(p => [p.cityId, formatNumber(p.outbound.lag), `${formatNumber(p.outbound.deliveredThrough)} / ${formatNumber(p.outbound.head)}`,
        formatTime(p.outbound.lastSuccessAt) || '–', p.outbound.lastError ?? '–']),
      'ops.noPartners'));
    updated.textContent = t('ops.updated', { at: formatTime(status.at) });
  }

  async function refresh() {
    try {
      const [next, nextPartners] = await Promise.all([ctx.api.get('/api/operator/status'), ctx.api.get('/api/partners')]);
      if (previous) {
        const seconds = (Date.parse(next.at) - Date.parse(previous.at)) / 1000;
        rate = seconds > 0 ? Math.max(0, (next.gateway.deliveries - previous.gateway.deliveries) / seconds) : rate;
      }
      previous = next;
      status = next;
      partners = nextPartners;
      failure = '';
    } catch (error) {
      failure = error.message;
    }
    render();
  }

  main.replaceChildren(el('div', { class: 'layout operator' },
    el('section', { class: 'panel', 'aria-labelledby': 'ops-heading' },
      el('h2', { id: 'ops-heading', 'data-i18n': 'ops.title', text: t('ops.title') }), problem, updated, cards),
    el('section', { class: 'panel', 'aria-labelledby': 'silos-heading' },
      el('h2', { id: 'silos-heading', 'data-i18n': 'ops.silosTitle', text: t('ops.silosTitle') }), silos),
    el('section', { class: 'panel', 'aria-labelledby': 'partners-heading' },
      el('h2', { id: 'partners-heading', 'data-i18n': 'ops.partnersTitle', text: t('ops.partnersTitle') }), links)));

  await refresh();
  timer = setInterval(refresh, REFRESH_MS);
  return {
    relabel: render,
    dispose: () => clearInterval(timer),
  };
}
