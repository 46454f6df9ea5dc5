/** A uPlot time chart that follows its data and the width of its tile. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const COLOURS = ['#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed', '#0891b2'];

export function TimeChart({ t, series, unit, height = 160 }: { t: number[]; series: Array<{ label: string; v: Array<number | null> }>; unit?: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\u0000');
  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height,
        legend: { show: series.length > 1, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] } },
        axes: [{ stroke: '#64748b', grid: { stroke: '#e2e8f0' }, values: (_u, vals) => vals.map((v, i) => (i > 0 && Math.floor(vals[i - 1]!) === Math.floor(v) ? '' : new Date(v * 1000).toLocaleTimeString('en-GB'))) }, { stroke: '#64748b', grid: { stroke: '#e2e8f0' }, size: 56, values: (_u, vals) => vals.map((v) => `${+v.toFixed(2)}${unit ?? ''}`) }],
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, fill: series.length === 1 ? `${COLOURS[0]}22` : undefined, spanGaps: true }))],
      },
      [t, ...series.map((s) => s.v)] as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 200), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
    };
  }, [labels, height, unit]);
  useEffect(() => {
    plot.current?.setData([t, ...series.map((s) => s.v)] as uPlot.AlignedData);
  }, [t, series]);
  return <div ref={box} class="chart" />;
}
