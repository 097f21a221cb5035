// The city as everyone sees it: the neighbourhoods (polygons and names) and the incidents in
// them, from each neighbourhood's snapshot, then live from its neighbourhood:{slug} stream.

export const CATEGORIES = ['theft', 'vandalism', 'violence', 'noise', 'suspicious', 'traffic', 'fire', 'public-space'];
export const STATUSES = ['reported', 'acknowledged', 'dispatched', 'resolved', 'closed', 'rejected', 'duplicate'];
export const ACTIVE = new Set(['reported', 'acknowledged', 'dispatched']);

export class City {
  #ctx;
  #onChange;
  neighbourhoods = [];
  incidents = new Map();

  #onRemove;

  /** onChange(incident | null): called after each change (null: many at once); onRemove(id): one is gone. */
  constructor(ctx, onChange, onRemove) {
    this.#ctx = ctx;
    this.#onChange = onChange;
    this.#onRemove = onRemove;
  }

  name(slug) {
    return this.neighbourhoods.find(n => n.slug === slug)?.name ?? slug;
  }

  async load() {
    const list = await this.#ctx.api.get('/api/neighbourhoods');
    this.neighbourhoods = await Promise.all(list.map(n => this.#ctx.api.get(`/api/neighbourhoods/${encodeURIComponent(n.slug)}`)));
    for (const n of this.neighbourhoods) this.#take(n);
    this.#onChange(null);
  }

  /** Follows every neighbourhood's stream from its snapshot. */
  async follow() {
    await Promise.all(this.neighbourhoods.map(n => this.#follow(n)));
  }

  #take(snapshot) {
    for (const summary of snapshot.activeIncidents ?? []) {
      const known = this.incidents.get(summary.id);
      if (!known || (known.updatedAt ?? '') <= summary.updatedAt) this.incidents.set(summary.id, { ...summary, neighbourhood: snapshot.slug });
    }
  }

  #follow(snapshot) {
    return this.#ctx.live.follow(`neighbourhood:${snapshot.slug}`, snapshot.seq,
      envelope => this.#event(envelope),
      async () => {
        const fresh = await this.#ctx.api.get(`/api/neighbourhoods/${encodeURIComponent(snapshot.slug)}`);
        // The snapshot is the truth: what it no longer lists is no longer active here.
        const active = new Set((fresh.activeIncidents ?? []).map(i => i.id));
        for (const [id, incident] of this.incidents) {
          if (incident.neighbourhood === fresh.slug && !active.has(id)) {
            this.incidents.delete(id);
            this.#onRemove?.(id);
          }
        }
        this.#take(fresh);
        this.#onChange(null);
        await this.#follow(fresh);
      });
  }

  #event(envelope) {
    if (envelope.type !== 'neighbourhood.incident_updated') return;
    const incident = { ...envelope.data.incident, neighbourhood: envelope.data.neighbourhood };
    this.incidents.set(incident.id, incident);
    this.#onChange(incident);
  }

  /** Which neighbourhood a point is in (ray casting on the outer ring), or null. */
  at(lat, lon) {
    for (const n of this.neighbourhoods) {
      const ring = n.boundary?.coordinates?.[0] ?? [];
      let inside = false;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
      if (inside) return n.slug;
    }
    return null;
  }
}
