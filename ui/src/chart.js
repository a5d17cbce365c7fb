/** A small live line chart (uPlot) over the last minute, sized to its box and redrawn on resize. */
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const COLORS = ["#1f5fbf", "#b3261e", "#8a5a00", "#1e7b34", "#6b3fa0", "#444"];

/** `series`: names; `data`: [times, ...values per series]; `unit` labels the y axis. */
export function Chart({ title, series, data, unit }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const el = box.current;
    const opts = {
      width: el.clientWidth || 300,
      height: 160,
      series: [{}, ...series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2 }))],
      // The last minute, whatever the samples so far span.
      scales: { x: { time: true, range: (_u, _min, max) => [max - 60, max] } },
      // Minutes and seconds: the date and hour would crowd a one-minute axis.
      axes: [
        { values: (_u, splits) => splits.map((t) => new Date(t * 1000).toTimeString().slice(3, 8)) },
        { label: unit, size: 50 },
      ],
      legend: { live: false },
      cursor: { show: false },
    };
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth || 300, height: 160 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series.join("|")]);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div ref=${box} role="img" aria-label=${`${title}, last minute`}></div>
  </figure>`;
}
