// Operations dashboard: headline figures, charts (Chart.js, served by the API) and a table
// for every figure, each exportable as CSV from /v1/reports/export/{table}.
import {
  addDays,
  api,
  businessToday,
  downloadFile,
  el,
  errorBox,
  loadErrorBox,
  fmt,
  label,
  lang,
  replace,
  startPage,
  t,
  table,
  TIME_ZONE,
} from '/ui/assets/core.js';

const DEFAULT_DAYS = 30;
const COLORS = { blue: '#1f6feb', green: '#2e8540', amber: '#c77c02', red: '#c62828', grey: '#8a94a6' };
const CLASS_COLORS = ['#2e8540', '#f2b705', '#e07b00', '#c62828', '#6d1b1b'];

const form = document.getElementById('period');
const query = new URLSearchParams(location.search);
const period = { to: query.get('to') ?? businessToday() };
period.from = query.get('from') ?? addDays(period.to, -(DEFAULT_DAYS - 1));
let figures = null;
let failure = null;
const charts = [];

// ---------------------------------------------------------------- loading

async function load() {
  history.replaceState(null, '', `${location.pathname}?from=${period.from}&to=${period.to}`);
  try {
    figures = await api(`/v1/reports/dashboard?from=${period.from}&to=${period.to}`);
    failure = null;
  } catch (error) {
    failure = error;
  }
  draw();
}

function exportCsv(name) {
  const params = new URLSearchParams({ from: period.from, to: period.to, lang: lang() });
  return downloadFile(`/v1/reports/export/${name}?${params}`, `${name}_${period.from}_${period.to}.csv`).catch(
    (error) => document.querySelector(`[data-table="${name}"] .export-error`)?.replaceChildren(errorBox(error)),
  );
}

// ---------------------------------------------------------------- pieces

function kpi(name, text, raw) {
  return el(
    'div',
    { class: 'kpi', dataset: { kpi: name, value: raw ?? '' } },
    el('span', { class: 'kpi-label' }, t(`dash.kpi.${name}`)),
    el('strong', { class: 'kpi-value' }, text),
  );
}

/** A dashboard block: heading, optional chart, the table and its CSV button. */
function block(name, titleKey, tableNode, withChart) {
  const canvas = withChart ? el('canvas', { role: 'img', 'aria-label': t(titleKey) }) : null;
  const node = el(
    'section',
    { class: `card block${withChart ? ' with-chart' : ''}`, dataset: { table: name } },
    el(
      'div',
      { class: 'block-head' },
      el('h2', {}, t(titleKey)),
      el(
        'button',
        { type: 'button', class: 'button small export', dataset: { export: name }, onclick: () => exportCsv(name) },
        t('common.exportCsv'),
      ),
    ),
    withChart ? el('div', { class: 'chart-box' }, canvas) : null,
    el('div', { class: 'table-wrap' }, tableNode),
    el('div', { class: 'export-error' }),
  );
  return { node, canvas };
}

function chart(canvas, config) {
  if (!canvas || typeof window.Chart !== 'function') return;
  const values = config.data.datasets.flatMap((d) => d.data);
  if (config.type === 'doughnut' && values.every((v) => v === 0)) {
    canvas.replaceWith(el('p', { class: 'empty' }, t('common.noData')));
    return;
  }
  charts.push(
    new window.Chart(canvas, {
      ...config,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: config.type === 'doughnut' } },
        ...config.options,
      },
    }),
  );
}

const percentOrDash = (ratio) => (ratio === null ? '—' : fmt.percent(ratio));

// ---------------------------------------------------------------- page

function draw() {
  for (const c of charts.splice(0)) c.destroy();
  const errorNode = document.getElementById('period-error');
  if (failure) {
    errorNode.replaceChildren(loadErrorBox(failure));
    errorNode.hidden = false;
    return;
  }
  errorNode.hidden = true;
  if (!figures) return;
  const f = figures;
  replace('as-of', t('dash.asOf', { at: fmt.instant(f.generatedAt), tz: TIME_ZONE }));
  const par = Object.fromEntries(f.par.map((p) => [p.bucket, p]));

  const origination = el(
    'div',
    { class: 'kpis' },
    kpi('applications', fmt.integer(f.applications), f.applications),
    kpi('approvalRate', percentOrDash(f.funnel.approvalRate), f.funnel.approvalRate),
    kpi('ttdP50', fmt.hours(f.timeToDecision.p50Hours), f.timeToDecision.p50Hours),
    kpi('ttdP95', fmt.hours(f.timeToDecision.p95Hours), f.timeToDecision.p95Hours),
  );
  const book = el(
    'div',
    { class: 'kpis' },
    kpi('disbursed', fmt.money(f.portfolio.disbursedAmount), f.portfolio.disbursedAmount),
    kpi('outstanding', fmt.money(f.portfolio.outstandingPrincipal), f.portfolio.outstandingPrincipal),
    kpi('par1', percentOrDash(par.PAR1.ratio), par.PAR1.ratio),
    kpi('par30', percentOrDash(par.PAR30.ratio), par.PAR30.ratio),
    kpi('par90', percentOrDash(par.PAR90.ratio), par.PAR90.ratio),
  );

  const applied = f.funnel.stages[0].loans;
  const share = (n) => (applied === 0 ? '—' : fmt.percent(n / applied, 1));

  const perDay = block(
    'applications-per-day',
    'dash.section.applicationsPerDay',
    table(
      [
        { label: t('dash.col.date'), cell: (d) => fmt.date(d.date) },
        { label: t('dash.kpi.applications'), class: 'num', cell: (d) => fmt.integer(d.applications) },
      ],
      [...f.applicationsPerDay].reverse(),
      { rowAttrs: (d) => ({ dataset: { date: d.date, value: d.applications } }) },
    ),
    true,
  );
  const funnel = block(
    'funnel',
    'dash.section.funnel',
    table(
      [
        { label: t('dash.col.stage'), cell: (s) => label('funnel', s.stage) },
        { label: t('dash.col.loans'), class: 'num', cell: (s) => fmt.integer(s.loans) },
        { label: t('dash.col.share'), class: 'num', cell: (s) => share(s.loans) },
      ],
      [...f.funnel.stages, { stage: 'REJECTED', loans: f.funnel.rejected }],
      { rowAttrs: (s) => ({ dataset: { stage: s.stage, value: s.loans } }) },
    ),
    true,
  );
  const decisionTimes = block(
    'time-to-decision',
    'dash.section.timeToDecision',
    table(
      [
        { label: t('ttd.decided'), class: 'num', cell: (d) => fmt.integer(d.decided) },
        { label: t('ttd.p50'), class: 'num', cell: (d) => fmt.hours(d.p50Hours) },
        { label: t('ttd.p95'), class: 'num', cell: (d) => fmt.hours(d.p95Hours) },
        { label: t('ttd.average'), class: 'num', cell: (d) => fmt.hours(d.averageHours) },
      ],
      [f.timeToDecision],
    ),
    false,
  );
  const portfolioRows = [
    ['disbursedAmount', fmt.money(f.portfolio.disbursedAmount)],
    ['disbursedLoans', fmt.integer(f.portfolio.disbursedLoans)],
    ['outstandingPrincipal', fmt.money(f.portfolio.outstandingPrincipal)],
    ['activeLoans', fmt.integer(f.portfolio.activeLoans)],
    ['overdueLoans', fmt.integer(f.portfolio.overdueLoans)],
  ];
  const portfolio = block(
    'portfolio',
    'dash.section.portfolio',
    table(
      [
        { label: t('dash.col.measure'), cell: ([name]) => t(`portfolio.${name}`) },
        { label: t('dash.col.value'), class: 'num', cell: ([, text]) => text },
      ],
      portfolioRows,
      { rowAttrs: ([name]) => ({ dataset: { measure: name, value: f.portfolio[name] } }) },
    ),
    false,
  );
  const parBlock = block(
    'par',
    'dash.section.par',
    table(
      [
        { label: t('dash.col.measure'), cell: (p) => label('par', p.bucket) },
        { label: t('dash.col.loans'), class: 'num', cell: (p) => fmt.integer(p.loans) },
        { label: t('loans.col.outstanding'), class: 'num', cell: (p) => fmt.money(p.outstandingPrincipal) },
        { label: t('dash.col.parRatio'), class: 'num', cell: (p) => percentOrDash(p.ratio) },
      ],
      f.par,
      { rowAttrs: (p) => ({ dataset: { bucket: p.bucket, value: p.outstandingPrincipal } }) },
    ),
    true,
  );
  const classes = block(
    'classification',
    'dash.section.classification',
    table(
      [
        { label: t('loans.col.classification'), cell: (c) => label('class', c.classification) },
        { label: t('dash.col.loans'), class: 'num', cell: (c) => fmt.integer(c.loans) },
        { label: t('loans.col.outstanding'), class: 'num', cell: (c) => fmt.money(c.outstandingPrincipal) },
      ],
      f.classification,
      {
        rowAttrs: (c) => ({
          dataset: { classification: c.classification, loans: c.loans, value: c.outstandingPrincipal },
        }),
      },
    ),
    true,
  );
  const pipeline = block(
    'collections',
    'dash.section.collections',
    table(
      [
        { label: t('dash.col.collectionStage'), cell: (c) => label('taskKind', c.kind) },
        { label: t('dash.col.openTasks'), class: 'num', cell: (c) => fmt.integer(c.openTasks) },
        { label: t('dash.col.overdueTasks'), class: 'num', cell: (c) => fmt.integer(c.overdueTasks) },
        { label: t('dash.col.loans'), class: 'num', cell: (c) => fmt.integer(c.loans) },
        { label: t('loans.col.outstanding'), class: 'num', cell: (c) => fmt.money(c.outstandingPrincipal) },
      ],
      f.collections,
      { rowAttrs: (c) => ({ dataset: { kind: c.kind, value: c.openTasks } }) },
    ),
    true,
  );

  replace(
    'content',
    origination,
    book,
    el(
      'div',
      { class: 'blocks' },
      perDay.node,
      funnel.node,
      decisionTimes.node,
      portfolio.node,
      parBlock.node,
      classes.node,
      pipeline.node,
    ),
  );

  chart(perDay.canvas, {
    type: 'bar',
    data: {
      labels: f.applicationsPerDay.map((d) => d.date.slice(5)),
      datasets: [
        {
          label: t('dash.kpi.applications'),
          data: f.applicationsPerDay.map((d) => d.applications),
          backgroundColor: COLORS.blue,
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart(funnel.canvas, {
    type: 'bar',
    data: {
      labels: [...f.funnel.stages.map((s) => label('funnel', s.stage)), label('funnel', 'REJECTED')],
      datasets: [
        {
          data: [...f.funnel.stages.map((s) => s.loans), f.funnel.rejected],
          backgroundColor: [...f.funnel.stages.map(() => COLORS.blue), COLORS.red],
        },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart(parBlock.canvas, {
    type: 'bar',
    data: {
      labels: f.par.map((p) => p.bucket),
      datasets: [
        {
          data: f.par.map((p) => (p.ratio === null ? 0 : Number(p.ratio) * 100)),
          backgroundColor: [COLORS.amber, COLORS.red, '#6d1b1b'],
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } } },
  });
  chart(classes.canvas, {
    type: 'doughnut',
    data: {
      labels: f.classification.map((c) => label('class', c.classification)),
      datasets: [{ data: f.classification.map((c) => c.loans), backgroundColor: CLASS_COLORS }],
    },
  });
  chart(pipeline.canvas, {
    type: 'bar',
    data: {
      labels: f.collections.map((c) => label('taskKind', c.kind)),
      datasets: [
        { label: t('dash.col.openTasks'), data: f.collections.map((c) => c.openTasks), backgroundColor: COLORS.blue },
        {
          label: t('dash.col.overdueTasks'),
          data: f.collections.map((c) => c.overdueTasks),
          backgroundColor: COLORS.red,
        },
      ],
    },
    options: { plugins: { legend: { display: true } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

startPage(async () => {
  form.from.value = period.from;
  form.to.value = period.to;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    period.from = form.from.value;
    period.to = form.to.value;
    load();
  });
  await load();
  return draw;
});
