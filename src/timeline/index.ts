/** Timelines: every order's, fulfilment's, return's and transfer's history, kept as long as the entity is. */
export { Timeline, TIMELINE_KINDS, type TimelinePage } from './timeline.js';
