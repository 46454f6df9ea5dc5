import { checkVersion, SCHEMA_VERSION, type WebhookEndpointRecord } from '../../../snapshots/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Committed, Engine } from '../../engine/index.js';
import { compileEventFilter, type EventFilter } from './event-filter.js';

/** A configured endpoint as the outbox and dispatcher use it. */
export interface Endpoint extends Omit<WebhookEndpointRecord, 'v'> {
  id: string;
  accepts: EventFilter;
}

/** What `PUT /webhooks/:id` sets. */
export interface EndpointInput {
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
}

/** An endpoint as clients see it: never the secret. */
export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * The webhook endpoints, held in memory (there are few, and every enqueue matches against them) and written
 * through to the store. An endpoint being deleted is hidden at once, so nothing new is queued for it while
 * its pending deliveries are purged.
 */
export class WebhookEndpoints {
  private readonly byId = new Map<string, Endpoint>();
  private readonly deleting = new Set<string>();
  private readonly engine: Engine;

  constructor(engine: Engine) {
    this.engine = engine;
    for (const { key, value } of engine.store.webhooks.getRange()) {
      checkVersion('webhook endpoint', value);
      this.byId.set(key, endpoint(key, value));
    }
  }

  /** An endpoint, unless it does not exist or is being deleted. */
  get(id: string): Endpoint | undefined {
    return this.deleting.has(id) ? undefined : this.byId.get(id);
  }

  /** Every endpoint, by id. */
  list(): Endpoint[] {
    return [...this.byId.values()].filter((e) => !this.deleting.has(e.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Enabled endpoints, in a stable order: the ones deliveries go to now. */
  enabled(): Endpoint[] {
    return this.list().filter((e) => e.enabled);
  }

  /** Enabled endpoints whose filter takes this event type. */
  matching(type: string): Endpoint[] {
    const out: Endpoint[] = [];
    for (const e of this.byId.values()) if (e.enabled && !this.deleting.has(e.id) && e.accepts(type)) out.push(e);
    return out;
  }

  /** Creates or replaces an endpoint; in use at once, durable when `durable` resolves. */
  put(id: string, input: EndpointInput): Committed<EndpointView> {
    if (this.deleting.has(id)) throw new DomainError('conflict', `webhook endpoint '${id}' is being deleted; retry in a moment`);
    const now = new Date(this.engine.clock.now()).toISOString();
    const record: WebhookEndpointRecord = { v: SCHEMA_VERSION, ...input, createdAt: this.byId.get(id)?.createdAt ?? now, updatedAt: now };
    const durable = this.engine.journal.whenFlushed(this.engine.store.webhooks.put(id, record));
    const e = endpoint(id, record);
    this.byId.set(id, e);
    return { value: endpointView(e), durable };
  }

  /** Hides an endpoint from matching and delivery while it is being deleted, until `endDelete`. */
  beginDelete(id: string): void {
    if (!this.get(id)) throw new DomainError('not_found', `no webhook endpoint '${id}'`);
    this.deleting.add(id);
  }

  /** Removes an endpoint (its pending deliveries already purged); resolves once that is on disk. */
  async remove(id: string): Promise<void> {
    await this.engine.journal.whenFlushed(this.engine.store.webhooks.remove(id));
    this.byId.delete(id);
  }

  /** Ends a deletion, done or failed. */
  endDelete(id: string): void {
    this.deleting.delete(id);
  }
}

/** The client's view of an endpoint. */
export function endpointView(e: Endpoint): EndpointView {
  return { id: e.id, url: e.url, events: e.events, enabled: e.enabled, createdAt: e.createdAt, updatedAt: e.updatedAt };
}

function endpoint(id: string, record: WebhookEndpointRecord): Endpoint {
  const { v: _v, ...fields } = record;
  return { id, ...fields, accepts: compileEventFilter(record.events) };
}
