import { parseSourcingProfile } from './profile.js';
import type { SourcingProfileInput } from './profile-schema.js';

/**
 * The profile Fulcrum starts with. Express orders first try locations that still make today's carrier
 * pickup within 300 km, in at most two whole-line shipments; anything else (and an express order no such
 * location can serve) falls through to `standard`: any distance, up to three shipments, lines may split,
 * no cut-off. Destination limits for hazmat and alcohol depend on the business and are not set here.
 */
export const defaultSourcingProfileDocument: SourcingProfileInput = {
  id: 'default',
  version: 1,
  timezone: 'UTC',
  internationalCapability: 'international-shipping',
  attributeCapabilities: {
    fragile: { capability: 'fragile-packing' },
    bulky: { capability: 'oversize' },
    hazmat: { capability: 'hazmat-licence' },
    'restricted:alcohol': { capability: 'alcohol-licence' },
  },
  strategies: [
    {
      id: 'express',
      when: { deliveryTypes: ['express'] },
      filters: { maxDistanceKm: 300, carrierCutoff: { deliveryTypes: ['express'] } },
      split: { policy: 'allow', maxShipments: 2, splitLines: false },
    },
    {
      id: 'standard',
      filters: { carrierCutoff: false },
      split: { policy: 'allow', maxShipments: 3, splitLines: true },
    },
  ],
};

/** The default profile, parsed. */
export const defaultSourcingProfile = parseSourcingProfile(defaultSourcingProfileDocument);
