/** Small pieces every tile uses: loading, error and empty states that say what to do, and data hooks. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Async<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and every `everyMs` while mounted); keeps the last data while reloading. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const run = latest.current + 1;
    latest.current = run;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => run === latest.current && setState({ data, loading: false }),
      (error: Error) => run === latest.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [...deps, tick]);
  useEffect(() => {
    if (!everyMs) return;
    const id = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading({ what }: { what: string }) {
  return <p class="state loading" role="status">Loading {what}…</p>;
}

/** An error with what to do about it. */
export function ErrorNote({ error, retry }: { error: Error; retry?: () => void }) {
  const hint =
    error instanceof ApiError && error.status === 403 ? 'Your key’s role may not read this; sign in with an ops or admin key.'
    : error instanceof ApiError && error.status === 401 ? 'The key is no longer accepted: sign out and sign in again.'
    : error instanceof ApiError && error.status === 0 ? 'Check that Fulcrum is running.'
    : undefined;
  return (
    <div class="state error" role="alert">
      <strong>{error.message}</strong>
      {error instanceof ApiError && error.details.length > 0 && (
        <ul class="details">{error.details.map((d) => <li><code>{d.path ?? '(body)'}</code> {d.message}</li>)}</ul>
      )}
      {hint && <p>{hint}</p>}
      {retry && <button type="button" onClick={retry}>Retry</button>}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

/** Shows loading, error or empty states around a loaded value; `children` draws the data. */
export function Loaded<T>({ state, what, empty, children }: { state: Async<T>; what: string; empty?: (data: T) => ComponentChildren | false; children: (data: T) => ComponentChildren }) {
  if (state.data === undefined && state.error) return <ErrorNote error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading what={what} />;
  const e = empty?.(state.data);
  return (
    <>
      {state.error && <ErrorNote error={state.error} retry={state.reload} />}
      {e ? <Empty>{e}</Empty> : children(state.data)}
    </>
  );
}

/** A button that runs an action, shows it is busy, and reports its error in place. */
export function ActionButton({ label, run, kind, title }: { label: string; run: () => Promise<unknown>; kind?: 'primary' | 'danger'; title?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  return (
    <span class="action">
      <button
        type="button"
        class={kind ?? ''}
        title={title}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await run();
          } catch (e) {
            setError(e as Error);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? `${label}…` : label}
      </button>
      {error && <span class="inline-error" role="alert">{error.message}</span>}
    </span>
  );
}

export function Status({ value }: { value: string }) {
  return <span class={`pill s-${value.replace(/[^a-z_]/g, '')}`}>{value.replace(/_/g, ' ')}</span>;
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 min ago", "in 2 h". */
export function relative(iso: string, now = Date.now()): string {
  const s = (Date.parse(iso) - now) / 1000;
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(Math.round(s), 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

/** A countdown "1 h 04 min 09 s", or how long ago it passed. */
export function countdown(iso: string, now = Date.now()): string {
  let s = Math.round((Date.parse(iso) - now) / 1000);
  const late = s < 0;
  s = Math.abs(s);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = `${h > 0 ? `${h} h ` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')} min ${String(s % 60).padStart(2, '0')} s`;
  return late ? `${text} overdue` : text;
}

export function time(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * The value, but changing at most once per `ms`: a detail that reloads when a live number moves must not
 * send a burst of reads for every feed message during a flash sale.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    const id = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, Math.max(0, wait));
    return () => clearTimeout(id);
  }, [value, ms]);
  return shown;
}

/** Re-renders every second (for countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}
