/**
 * An ECharts chart, with only the parts the operations screen uses (bar charts, a grid, a
 * tooltip, canvas drawing) so that its chunk stays small. The canvas is hidden from assistive
 * technology: every chart on the screen has its figures in a table beside it.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** What a chart draws (an ECharts option). */
export type ChartOption = echarts.EChartsCoreOption;

/** A chart of `option`, resized with its box. */
export function Chart({ option, height, className }: { option: ChartOption; height: number; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={className} style={{ height, width: '100%' }} aria-hidden="true" />;
}
