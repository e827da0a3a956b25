import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * A CloudWatch dashboard laid out two widgets to a row, in the order the widgets are given.
 * Metrics are CloudWatch's own array form: `[namespace, metric, dimension, value, ..., {options}]`,
 * or `[{expression, label, id}]` for a math or SEARCH expression.
 */

export type MetricRow = (string | Record<string, unknown>)[];

export interface MetricWidget {
  kind: 'metric';
  title: string;
  metrics: MetricRow[];
  stat?: string;
  /** Seconds per point; five minutes unless said. */
  period?: number;
  view?: 'timeSeries' | 'singleValue';
  stacked?: boolean;
}

export interface AlarmWidget {
  kind: 'alarms';
  title: string;
  alarmArns: string[];
}

export interface TextWidget {
  kind: 'text';
  markdown: string;
}

export type Widget = MetricWidget | AlarmWidget | TextWidget;

const WIDTH = 12;
const HEIGHT = 6;

export function dashboard(stack: ShopStack, id: string, name: string, widgets: readonly Widget[]): CloudwatchDashboard {
  const region = stack.config.region;
  const placed = widgets.map((widget, n) => {
    const position = { x: (n % 2) * WIDTH, y: Math.floor(n / 2) * HEIGHT, width: WIDTH, height: HEIGHT };
    switch (widget.kind) {
      case 'metric':
        return {
          type: 'metric',
          ...position,
          properties: {
            title: widget.title,
            region,
            view: widget.view ?? 'timeSeries',
            stacked: widget.stacked ?? false,
            stat: widget.stat ?? 'Sum',
            period: widget.period ?? 300,
            metrics: widget.metrics,
          },
        };
      case 'alarms':
        return { type: 'alarm', ...position, properties: { title: widget.title, alarms: widget.alarmArns } };
      case 'text':
        return { type: 'text', ...position, properties: { markdown: widget.markdown } };
    }
  });
  return new CloudwatchDashboard(stack, id, { dashboardName: name, dashboardBody: JSON.stringify({ widgets: placed }) });
}
