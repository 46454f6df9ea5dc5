import type { WorkflowEntity } from '../definition.js';
import { fulfilmentStandard } from './fulfilment-standard.js';
import { orderClickCollect } from './order-click-collect.js';
import { orderHomeDelivery } from './order-home-delivery.js';
import { returnStandard } from './return-standard.js';
import { transferStandard } from './transfer-standard.js';

/** The workflows installed (version 1, active) on first start. */
export const DEFAULT_WORKFLOWS: ReadonlyArray<{ entity: WorkflowEntity; name: string; definition: unknown }> = [
  { entity: 'order', name: 'home-delivery', definition: orderHomeDelivery },
  { entity: 'order', name: 'click-collect', definition: orderClickCollect },
  { entity: 'fulfilment', name: 'standard', definition: fulfilmentStandard },
  { entity: 'return', name: 'standard', definition: returnStandard },
  { entity: 'transfer', name: 'standard', definition: transferStandard },
];
