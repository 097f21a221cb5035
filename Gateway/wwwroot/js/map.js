// The city map: each neighbourhood's polygon (GET /api/neighbourhoods/{slug}, GeoJSON) drawn as
// SVG, no tiles, so it works offline; incidents as markers, shaped by category and coloured by
// status. Neighbourhoods are buttons (click, Enter or Space); a click on the map can also pick a
// point (the citizen's report).

import { svg } from './dom.js';
import { t } from './i18n.js';

const WIDTH = 1000;
export const CATEGORY_GLYPHS = {
  theft: 'T', vandalism: 'V', violence: '!', noise: 'N', suspicious: '?', traffic: 'R', fire: 'F', 'public-space': 'P',
};

export class CityMap {
  #svg;
  #areas = new Map();
  #markers = new Map();
  #markerLayer;
  #pickLayer;
  #project;
  #unproject;
  #onArea;
  #onPick = null;
  #onMarker;
  height = 600;

  /** neighbourhoods: [{ slug, name, boundary: { coordinates: [[[lon, lat], ...]] } }]. */
  constructor(container, neighbourhoods, { onArea, onMarker } = {}) {
    this.#onArea = onArea;
    this.#onMarker = onMarker;
    const rings = neighbourhoods.flatMap(n => n.boundary?.coordinates ?? []);
    const points = rings.flat();
    const minLon = Math.min(...points.map(p => p[0]));
    const maxLon = Math.max(...points.map(p => p[0]));
    const minLat = Math.min(...points.map(p => p[1]));
    const maxLat = Math.max(...points.map(p => p[1]));
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const scale = WIDTH / ((maxLon - minLon) * k || 1);
    this.height = Math.round((maxLat - minLat) * scale) || 600;
    this.#project = (lon, lat) => [(lon - minLon) * k * scale, (maxLat - lat) * scale];
    this.#unproject = (x, y) => [minLon + x / (k * scale), maxLat - y / scale];

    const pad = 24;
    this.#svg = svg('svg', {
      class: 'map',
      viewBox: `${-pad} ${-pad} ${WIDTH + 2 * pad} ${this.height + 2 * pad}`,
      role: 'group',
      'aria-labelledby': 'map-title',
    });
    const title = svg('title', { id: 'map-title', 'data-i18n': 'map.title', text: t('map.title') });
    const areaLayer = svg('g', { class: 'areas' });
    this.#markerLayer = svg('g', { class: 'markers' });
    this.#pickLayer = svg('g', { class: 'pick' });
    this.#svg.append(title, areaLayer, this.#markerLayer, this.#pickLayer);

    for (const n of neighbourhoods) {
      const d = (n.boundary?.coordinates ?? [])
        .map(ring => ring.map(([lon, lat], i) => `${i ? 'L' : 'M'}${this.#project(lon, lat).map(v => v.toFixed(1)).join(' ')}`).join(' ') + ' Z')
        .join(' ');
      const [cx] = this.#project(n.centre.lon, n.centre.lat);
      const top = Math.min(...(n.boundary?.coordinates?.[0] ?? [[n.centre.lon, n.centre.lat]]).map(([lon, lat]) => this.#project(lon, lat)[1]));
      const path = svg('path', { d, class: 'area' });
      const label = svg('text', { x: cx.toFixed(1), y: (top + 40).toFixed(1), class: 'area-label', 'aria-hidden': 'true' }, n.name);
      const group = svg('g', {
        class: 'area-group',
        tabindex: 0,
        role: 'button',
        'aria-pressed': 'false',
        'aria-label': n.name,
        dataset: { slug: n.slug },
      }, path, label);
      group.addEventListener('click', event => this.#areaClicked(n.slug, event));
      group.addEventListener('keydown', event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.#onArea?.(n.slug);
        }
      });
      areaLayer.append(group);
      this.#areas.set(n.slug, group);
    }
    this.#svg.addEventListener('click', event => this.#mapClicked(event));
    container.replaceChildren(this.#svg);
  }

  #areaClicked(slug, event) {
    if (this.#onPick) return;
    event.stopPropagation();
    this.#onArea?.(slug);
  }

  #mapClicked(event) {
    if (!this.#onPick) return;
    const point = this.#svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const local = point.matrixTransform(this.#svg.getScreenCTM().inverse());
    const [lon, lat] = this.#unproject(local.x, local.y);
    this.showPick(lat, lon);
    this.#onPick(lat, lon);
  }

  /** While on, a click anywhere on the map picks a point instead of a neighbourhood. */
  setPicking(onPick) {
    this.#onPick = onPick;
    this.#svg.classList.toggle('picking', Boolean(onPick));
  }

  showPick(lat, lon) {
    const [x, y] = this.#project(lon, lat);
    this.#pickLayer.replaceChildren(svg('path', {
      class: 'pick-pin',
      d: `M${x.toFixed(1)} ${y.toFixed(1)} l-10 -22 a11 11 0 1 1 20 0 Z`,
      'aria-hidden': 'true',
    }));
  }

  clearPick() {
    this.#pickLayer.replaceChildren();
  }

  /** Marks neighbourhoods as pressed (followed, or the one the list is filtered to). */
  setPressed(slugs, labelKey) {
    for (const [slug, group] of this.#areas) {
      const pressed = slugs.has(slug);
      group.setAttribute('aria-pressed', String(pressed));
      group.classList.toggle('pressed', pressed);
      const name = group.querySelector('text').textContent;
      group.setAttribute('aria-label', labelKey ? `${name}: ${t(labelKey)}` : name);
    }
  }

  /** Adds or moves an incident's marker: { id, category, status, location: { lat, lon } }. */
  upsert(incident) {
    if (!incident?.location) return;
    const [x, y] = this.#project(incident.location.lon, incident.location.lat);
    let marker = this.#markers.get(incident.id);
    if (!marker) {
      marker = svg('g', { class: 'marker', dataset: { incidentId: incident.id } },
        svg('circle', { r: 16 }),
        svg('text', { 'text-anchor': 'middle', dy: '0.35em', 'aria-hidden': 'true' }),
        svg('title'));
      marker.addEventListener('click', event => {
        event.stopPropagation();
        this.#onMarker?.(incident.id);
      });
      this.#markers.set(incident.id, marker);
      this.#markerLayer.append(marker);
    }
    marker.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
    marker.dataset.status = incident.status;
    marker.dataset.category = incident.category;
    const selected = marker.classList.contains('selected');
    marker.setAttribute('class', `marker status-${incident.status}${selected ? ' selected' : ''}`);
    marker.querySelector('text').textContent = CATEGORY_GLYPHS[incident.category] ?? '•';
    marker.querySelector('title').textContent = `${t(`category.${incident.category}`)} – ${t(`status.${incident.status}`)}`;
  }

  remove(id) {
    this.#markers.get(id)?.remove();
    this.#markers.delete(id);
  }

  select(id) {
    for (const [markerId, marker] of this.#markers) marker.classList.toggle('selected', markerId === id);
  }

  /** Marker titles follow the language. */
  retitle(incidents) {
    for (const incident of incidents) if (this.#markers.has(incident.id)) this.upsert(incident);
  }
}
