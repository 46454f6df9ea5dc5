import { DomainError } from '../../domain/errors.js';
import type { Committed, Engine } from '../../engine/index.js';
import { deadLetterView, listDeadLetters, parseDeliveryId, readDeadLetter, type DeadLetterPage, type DeadLetterQuery, type DeadLetterView } from './dead-letters.js';
import { WebhookDispatcher } from './dispatcher.js';
import { endpointView, WebhookEndpoints, type EndpointInput, type EndpointView } from './endpoints.js';
import { deliveryOptions, type DeliverySettings } from './options.js';
import { WebhookOutbox } from './outbox.js';

/** What deleting an endpoint did. */
export interface EndpointDeleted {
  id: string;
  deleted: true;
  /** Pending deliveries dropped with it (dead letters stay until replayed or discarded). */
  droppedDeliveries: number;
}

/**
 * Outbound webhooks: the endpoints, the outbox the engine writes into (`engine.outbox = webhooks.outbox`),
 * and the dispatcher that delivers it. The server creates one after recovery, starts it, and stops it before
 * closing the store; the HTTP routes call the operations below.
 */
export class Webhooks {
  readonly endpoints: WebhookEndpoints;
  readonly outbox: WebhookOutbox;
  readonly dispatcher: WebhookDispatcher;
  private readonly engine: Engine;
  /** Dead letters whose replay is being written: reads still see them until it commits. */
  private readonly replaying = new Set<string>();

  constructor(engine: Engine, settings: DeliverySettings = {}) {
    this.engine = engine;
    this.endpoints = new WebhookEndpoints(engine);
    this.outbox = new WebhookOutbox(engine, this.endpoints);
    this.dispatcher = new WebhookDispatcher(engine, this.endpoints, this.outbox, deliveryOptions(settings));
  }

  /** Starts delivery; records pending from before a restart go first. */
  start(): void {
    this.dispatcher.start();
  }

  /** Stops delivery and waits for outcomes already decided to be written. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  /** Creates or replaces an endpoint. Its pending deliveries (if it existed) go to the new URL and secret. */
  putEndpoint(id: string, input: EndpointInput): Committed<EndpointView> {
    this.usable();
    const put = this.endpoints.put(id, input);
    put.durable.then(() => this.dispatcher.wake(), () => undefined);
    return put;
  }

  /** Every endpoint, by id. */
  listEndpoints(): EndpointView[] {
    return this.endpoints.list().map(endpointView);
  }

  /** An endpoint, or a 404. */
  endpoint(id: string): EndpointView {
    const e = this.endpoints.get(id);
    if (!e) throw new DomainError('not_found', `no webhook endpoint '${id}'`);
    return endpointView(e);
  }

  /** Deletes an endpoint and drops its pending deliveries; resolves once that is on disk. */
  async deleteEndpoint(id: string): Promise<EndpointDeleted> {
    this.usable();
    this.endpoints.beginDelete(id);
    try {
      // Pending deliveries first: a crash in between leaves the endpoint (the delete was never acknowledged).
      const droppedDeliveries = await this.outbox.purge(id);
      await this.endpoints.remove(id);
      return { id, deleted: true, droppedDeliveries };
    } finally {
      this.endpoints.endDelete(id);
    }
  }

  /** A page of dead letters. */
  deadLetters(query: DeadLetterQuery): DeadLetterPage {
    return listDeadLetters(this.engine.store, query);
  }

  /** Puts a dead letter back into the outbox with a fresh set of attempts; delivery starts once it is on disk. */
  replay(id: string): Committed<DeadLetterView & { status: 'pending' }> {
    this.usable();
    const { endpoint, eventId, record } = this.deadLetter(id);
    if (this.replaying.has(id)) throw new DomainError('conflict', `dead letter '${id}' is being replayed already`);
    if (!this.endpoints.get(endpoint)) {
      throw new DomainError('conflict', `webhook endpoint '${endpoint}' no longer exists; create it again (PUT /webhooks/${endpoint}) to replay to it`);
    }
    const durable = this.outbox.requeue(endpoint, eventId, record);
    this.replaying.add(id);
    durable.then(() => this.dispatcher.wake(), () => undefined).finally(() => this.replaying.delete(id));
    return { value: { ...deadLetterView(endpoint, eventId, record), status: 'pending' }, durable };
  }

  /** Deletes a dead letter without delivering it. */
  discard(id: string): Committed<{ id: string; discarded: true }> {
    this.usable();
    const { endpoint, eventId } = this.deadLetter(id);
    return { value: { id, discarded: true }, durable: this.outbox.discard(endpoint, eventId) };
  }

  private deadLetter(id: string) {
    const parsed = parseDeliveryId(id);
    const record = parsed && readDeadLetter(this.engine.store, parsed.endpoint, parsed.eventId);
    if (!parsed || !record) throw new DomainError('not_found', `no dead letter '${id}'`);
    return { ...parsed, record };
  }

  private usable(): void {
    const failure = this.engine.failure;
    if (failure) throw new DomainError('unavailable', `the engine stopped after a fatal error (${failure.message}); restart the server`);
  }
}
