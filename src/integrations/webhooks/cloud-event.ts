import type { StoredOutboundEvent } from '../../../snapshots/index.js';

/**
 * The delivery body: a CloudEvents 1.0 event in structured JSON mode. `type` is the event type exactly as
 * workflows emit it and endpoints filter on it (`order.shipped`); `source` names the producer.
 */
export function cloudEventBody(event: StoredOutboundEvent): string {
  return JSON.stringify({
    specversion: '1.0',
    id: event.id,
    source: 'fulcrum',
    type: event.type,
    subject: event.subject,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data ?? null,
  });
}

/** The media type of a structured-mode CloudEvent. */
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
