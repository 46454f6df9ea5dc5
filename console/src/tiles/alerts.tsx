/** Alerts: live (polled every 3 s), acknowledged and resolved in place, with the SLA clock of the entity behind each. */
import { useSignal } from '@preact/signals';
import { api, type Alert, type ConfigValue, type Entity } from '../api.js';
import type { TileType } from '../registry.js';
import { selectedOrder, selectedReturn } from '../selection.js';
import { may } from '../session.js';
import { ActionButton, Loaded, Status, countdown, relative, time, useAsync, useNow } from '../ui.js';

const KINDS: Record<string, 'fulfilments' | 'returns' | 'transfers'> = { fulfilment: 'fulfilments', return: 'returns', transfer: 'transfers' };

/** When the alert's SLA escalates: the entity's `<timer>.escalate` for the timer that raises this alert. */
function escalatesAt(alert: Alert, entity: Entity | undefined): string | undefined {
  const timer = Object.entries(entity?.sla ?? {}).find(([, s]) => s.alert === alert.alert)?.[0];
  return timer ? entity?.timers?.[`${timer}.escalate`] : undefined;
}

function AlertList({ config }: { config: Record<string, ConfigValue> }) {
  const status = useSignal(String(config.status ?? 'open'));
  const tick = useSignal(0);
  const alerts = useAsync(async () => {
    const items = (await api.alerts(status.value || undefined)).items;
    // The entities behind SLA alerts, once per entity, for their clocks (the first 50: a page's worth).
    const ids = [...new Set(items.map((a) => a.entity).filter((e) => KINDS[e.split('/')[0]!]))].slice(0, 50);
    const entities = new Map(await Promise.all(ids.map(async (e) => [e, await api.entity(KINDS[e.split('/')[0]!]!, e.slice(e.indexOf('/') + 1)).catch(() => undefined)] as const)));
    return { items, entities };
  }, [status.value, tick.value], 3000);
  const now = useNow();
  const go = (entity: string) => {
    const [kind, ...rest] = entity.split('/');
    const id = rest.join('/');
    if (kind === 'order') (selectedOrder.value = id), (location.hash = '#/orders');
    else if (kind === 'fulfilment') (selectedOrder.value = id.replace(/-\d+$/, '')), (location.hash = '#/orders');
    else if (kind === 'return') (selectedReturn.value = id), (location.hash = '#/returns');
  };
  return (
    <div>
      <div class="toolbar">
        <label class="inline">Show <select value={status.value} onChange={(e) => (status.value = e.currentTarget.value)}><option value="open">open</option><option value="acknowledged">acknowledged</option><option value="resolved">resolved</option><option value="">all</option></select></label>
        <span class="muted">Updates every 3 s.</span>
      </div>
      <Loaded state={alerts} what="alerts" empty={(d) => d.items.length === 0 && (status.value === 'open' ? 'No open alerts. Workflows raise them for SLA breaches, manual steps and stock counts below reservations.' : 'No alerts with this status.')}>
        {(d) => (
          <table class="alerts">
            <thead><tr><th>Severity</th><th>Alert</th><th>About</th><th>Raised</th><th>SLA</th><th>Status</th>{may('orders:write') && <th>Actions</th>}</tr></thead>
            <tbody>
              {d.items.map((a) => {
                const due = escalatesAt(a, d.entities.get(a.entity));
                return (
                  <tr data-alert={a.id} class={`sev-${a.severity}`}>
                    <td><span class={`pill sev-${a.severity}`}>{a.severity}</span></td>
                    <td><strong>{a.alert}</strong><div class="muted">{a.message}</div></td>
                    <td><button type="button" class="link mono" onClick={() => go(a.entity)}>{a.entity}</button></td>
                    <td title={time(a.createdAt)}>{relative(a.createdAt, now)}</td>
                    <td>{due ? <span class={`sla ${Date.parse(due) < now ? 'late' : ''}`} title={`escalates ${time(due)}`}>{Date.parse(due) < now ? 'escalated' : `escalates in ${countdown(due, now)}`}</span> : <span class="muted">—</span>}</td>
                    <td><Status value={a.status} />{a.acknowledgedBy && <div class="muted">by {a.acknowledgedBy}</div>}</td>
                    {may('orders:write') && (
                      <td class="actions">
                        {a.status === 'open' && <ActionButton label="Acknowledge" run={() => api.changeAlert(a.id, 'acknowledge').then(() => tick.value++)} />}
                        {a.status !== 'resolved' && <ActionButton label="Resolve" run={() => api.changeAlert(a.id, 'resolve').then(() => tick.value++)} />}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}

export const alertTiles: TileType[] = [
  {
    type: 'alerts.list', title: 'Alerts', description: 'Alerts with their SLA countdowns; acknowledge and resolve them in place.', needs: 'orders:read-any',
    settings: [{ name: 'status', label: 'Show', kind: 'select', options: ['open', 'acknowledged', 'resolved', ''] }], defaults: { status: 'open' }, component: AlertList,
  },
];
