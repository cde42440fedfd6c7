// The local ops dashboard: polls /api/snapshot and draws each widget of the shared definition.
// Plain browser JavaScript with uPlot (served from the npm package); no build step.

const REFRESH_MS = 2000;
const COLORS = [
  '#58a6ff',
  '#3fb950',
  '#d29922',
  '#f85149',
  '#bc8cff',
  '#39c5cf',
  '#ff7b72',
  '#a5d6ff',
  '#e3b341',
  '#7ee787',
];
const charts = new Map();

const format = (value, unit) => {
  if (value === null || value === undefined) return '–';
  if (unit === 'Bytes') {
    const units = ['B', 'KB', 'MB', 'GB'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
  }
  if (unit === 'Milliseconds')
    return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  if (unit === 'Percent') return `${value.toFixed(1)} %`;
  if (unit === 'Count/Second') return `${value.toFixed(value < 10 ? 1 : 0)}/s`;
  return Math.abs(value) >= 10000
    ? value.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : String(Math.round(value * 10) / 10);
};

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const hasData = (axis) => axis.lines.some((line) => line.values.some((v) => v !== null));
const nonZero = (axis) => axis.lines.some((line) => line.values.some((v) => v !== null && v !== 0));

const chartOptions = (widget, width) => {
  const series = [{}];
  const lines = [...widget.left.lines.map((l) => ({ ...l, scale: 'y', unit: widget.left.unit }))];
  if (widget.right)
    lines.push(...widget.right.lines.map((l) => ({ ...l, scale: 'r', unit: widget.right.unit })));
  lines.forEach((line, i) => {
    series.push({
      label: line.label,
      scale: line.scale,
      stroke: COLORS[i % COLORS.length],
      width: 1.6,
      spanGaps: false,
      value: (_, v) => format(v, line.unit),
    });
  });
  const axisStyle = {
    stroke: '#8a96a3',
    grid: { stroke: '#26313d', width: 1 },
    ticks: { stroke: '#26313d' },
  };
  const clock = (t) =>
    new Date(t * 1000).toLocaleTimeString([], {
      hour12: false,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  const axes = [
    { ...axisStyle, space: 80, values: (_, ticks) => ticks.map(clock) },
    {
      ...axisStyle,
      scale: 'y',
      size: 60,
      values: (_, ticks) => ticks.map((t) => format(t, widget.left.unit)),
    },
  ];
  if (widget.right) {
    axes.push({
      ...axisStyle,
      scale: 'r',
      side: 1,
      size: 60,
      grid: { show: false },
      values: (_, ticks) => ticks.map((t) => format(t, widget.right.unit)),
    });
  }
  return {
    width,
    height: 150,
    series,
    axes,
    scales: {
      x: { time: true },
      y: { range: (_, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] },
      r: { range: (_, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] },
    },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
};

const drawGraph = (container, widget, key, timestamps) => {
  const lines = [...widget.left.lines, ...(widget.right ? widget.right.lines : [])];
  const data = [timestamps, ...lines.map((line) => line.values)];
  const signature = lines.map((l) => l.label).join('|');
  let entry = charts.get(key);
  const width = Math.max(200, container.clientWidth);
  if (!entry || entry.signature !== signature) {
    if (entry) entry.plot.destroy();
    container.replaceChildren();
    entry = { plot: new uPlot(chartOptions(widget, width), data, container), signature, width };
    charts.set(key, entry);
  } else {
    entry.plot.setData(data);
    if (Math.abs(entry.width - width) > 4) {
      entry.plot.setSize({ width, height: 150 });
      entry.width = width;
    }
  }
  const axes = widget.right ? [widget.left, widget.right] : [widget.left];
  const box = container.parentElement;
  box.dataset.hasData = String(axes.some(hasData));
  box.dataset.nonzero = String(axes.some(nonZero));
  const empty = box.querySelector('.empty');
  empty.textContent = widget.note ?? 'no data yet';
  empty.hidden = axes.some(hasData);
};

const drawNumbers = (container, widget) => {
  container.replaceChildren(
    ...widget.values.map((v) => {
      const node = element('div', 'number');
      node.append(element('div', 'value', format(v.value, v.unit)), element('div', 'label', v.label));
      return node;
    }),
  );
  container.parentElement.dataset.nonzero = String(widget.values.some((v) => v.value));
};

const drawAlarms = (container, alarms) => {
  const order = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  const sorted = [...alarms].sort(
    (a, b) => order[a.state] - order[b.state] || a.title.localeCompare(b.title),
  );
  container.replaceChildren(
    ...sorted.map((alarm) => {
      const item = element('li');
      item.title = `${alarm.description}\n\n${alarm.reason}`;
      item.dataset.alarm = alarm.id;
      item.dataset.state = alarm.state;
      item.append(
        element('span', `pill ${alarm.state}`, alarm.state.replace('_', ' ')),
        element('span', '', alarm.title),
      );
      return item;
    }),
  );
};

const drawAlerts = (container, alerts) => {
  if (alerts.length === 0) {
    container.replaceChildren(element('li', 'muted', 'no alerts yet'));
    return;
  }
  container.replaceChildren(
    ...alerts.map((alert) => {
      const item = element('li');
      const time = new Date(alert.at).toLocaleTimeString();
      item.append(
        element('span', 'muted', time),
        element('span', `pill ${alert.state ?? ''}`, alert.state ?? 'message'),
        element(
          'span',
          '',
          [alert.severity, alert.rule, alert.subject].filter(Boolean).join(' · ') ||
            alert.message.slice(0, 120),
        ),
      );
      return item;
    }),
  );
};

const build = (snapshot) => {
  document.getElementById('title').textContent = `${snapshot.title} — local`;
  const main = document.getElementById('rows');
  main.replaceChildren();
  snapshot.rows.forEach((row, r) => {
    main.append(element('h2', '', row.title));
    const grid = element('div', 'row');
    row.widgets.forEach((widget, w) => {
      const box = element('section', 'widget');
      box.style.gridColumn = `span ${widget.width}`;
      box.dataset.widget = `${r}-${w}`;
      box.dataset.kind = widget.kind;
      box.dataset.title = widget.title;
      box.append(element('h3', '', widget.title));
      const body = element(
        widget.kind === 'alarms' ? 'ul' : widget.kind === 'alerts' ? 'ul' : 'div',
        widget.kind === 'graph' ? 'chart' : widget.kind === 'number' ? 'numbers' : widget.kind,
      );
      box.append(body);
      if (widget.kind === 'graph') {
        const empty = element('div', 'empty', 'no data yet');
        box.append(empty);
      }
      grid.append(box);
    });
    main.append(grid);
  });
};

let built = false;
const render = (snapshot) => {
  if (!built) {
    build(snapshot);
    built = true;
  }
  snapshot.rows.forEach((row, r) => {
    row.widgets.forEach((widget, w) => {
      const box = document.querySelector(`[data-widget="${r}-${w}"]`);
      const body = box.children[1];
      if (widget.kind === 'graph') drawGraph(body, widget, `${r}-${w}`, snapshot.timestamps);
      else if (widget.kind === 'number') drawNumbers(body, widget);
      else if (widget.kind === 'alarms') drawAlarms(body, snapshot.alarms);
      else if (widget.kind === 'alerts') drawAlerts(body, snapshot.alerts);
    });
  });
  const alarming = snapshot.alarms.filter((a) => a.state === 'ALARM').length;
  document.getElementById('status').textContent =
    `${snapshot.live ?? ''}  ·  ${alarming} alarm${alarming === 1 ? '' : 's'} firing  ·  ${snapshot.periodSeconds}-second periods  ·  updated ${new Date(snapshot.nowMs).toLocaleTimeString()}`;
  document.body.dataset.updated = String(snapshot.nowMs);
};

const poll = async () => {
  try {
    const response = await fetch('/api/snapshot', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
  } catch (error) {
    document.getElementById('status').textContent =
      `the local cloud is not answering (${error.message}); retrying …`;
  }
  setTimeout(poll, REFRESH_MS);
};
poll();
