// Operations dashboard: headline figures, charts (Chart.js, served by the API; 暂无数据 in place of
// an empty one) and a table for every figure, each exportable as CSV from /v1/reports/export/{table}.
// Every rate carries its one definition, as a tooltip and in the rates table.
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

/** A headline figure; `definition` (a dictionary key) is its tooltip. */
function kpi(name, text, raw, definition) {
  return el(
    'div',
    { class: 'kpi', dataset: { kpi: name, value: raw ?? '' }, title: definition ? t(definition) : null },
    el('span', { class: 'kpi-label' }, t(`dash.kpi.${name}`)),
    el('strong', { class: 'kpi-value' }, text),
  );
}

/** A dashboard block: heading, optional chart, the table (or 暂无数据), footnotes and its CSV button. */
function block(name, titleKey, tableNode, { chart: withChart = false, notes = [] } = {}) {
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
    el('div', { class: 'table-wrap' }, tableNode ?? noData()),
    notes.map((key) => el('p', { class: 'footnote', dataset: { definition: key } }, t(key))),
    el('div', { class: 'export-error' }),
  );
  return { node, canvas };
}

function noData() {
  return el('p', { class: 'empty', dataset: { empty: '' } }, t('common.noData'));
}

/** Draws a chart, or says 暂无数据 in its place when `empty`: no bare axes. */
function chart(canvas, empty, config) {
  if (!canvas) return;
  if (empty) {
    canvas.replaceWith(noData());
    return;
  }
  if (typeof window.Chart !== 'function') return;
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
const durationCell = (seconds) => el('span', { dataset: { seconds: seconds ?? '' } }, fmt.duration(seconds));

/** The funnel's rows: the shared stages, each path's stages, then each path's rejections. */
function funnelRows(funnel) {
  return [
    { path: null, stage: 'APPLIED', loans: funnel.applied },
    { path: null, stage: 'DOCUMENTS_COMPLETE', loans: funnel.documentsComplete },
    ...funnel.paths.flatMap((p) => p.stages.map((s) => ({ path: p.path, stage: s.stage, loans: s.loans }))),
    { path: 'AUTO', stage: 'REJECTED', loans: funnel.autoRejected },
    { path: 'MANUAL', stage: 'REJECTED', loans: funnel.manualRejected },
  ];
}
const stageName = (row) =>
  row.path ? `${label('path', row.path)} · ${label('funnel', row.stage)}` : label('funnel', row.stage);

/** The columns of a breakdown row, after its key. */
function breakdownTable(keyColumns, rows, key) {
  if (rows.length === 0) return null;
  const count = (name) => ({
    label: t(`dash.col.${name}`),
    class: 'num',
    cell: (b) => fmt.integer(b[name]),
  });
  return table(
    [
      ...keyColumns,
      ...['applied', 'documentsComplete', 'autoApproved', 'manualReview', 'approved', 'rejected', 'decided'].map(count),
      ...['signed', 'disbursed'].map(count),
      {
        label: t('dash.col.approvalRate'),
        class: 'num',
        cell: (b) => el('span', { title: t('rateDef.APPROVAL_RATE') }, percentOrDash(b.approvalRate)),
      },
    ],
    rows,
    {
      rowAttrs: (b) => ({
        dataset: {
          key: key(b),
          applied: b.applied,
          autoApproved: b.autoApproved,
          manualReview: b.manualReview,
          approved: b.approved,
          rejected: b.rejected,
          disbursed: b.disbursed,
          rate: b.approvalRate ?? '',
        },
      }),
    },
  );
}

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
  const rate = Object.fromEntries(f.rates.map((r) => [r.rate, r]));
  const allDecisions = f.timeToDecision.find((d) => d.path === 'ALL');

  const origination = el(
    'div',
    { class: 'kpis' },
    kpi('applications', fmt.integer(f.applications), f.applications),
    kpi('approvalRate', percentOrDash(rate.APPROVAL_RATE.value), rate.APPROVAL_RATE.value, 'rateDef.APPROVAL_RATE'),
    kpi(
      'autoApprovalShare',
      percentOrDash(rate.AUTO_APPROVAL_SHARE.value),
      rate.AUTO_APPROVAL_SHARE.value,
      'rateDef.AUTO_APPROVAL_SHARE',
    ),
    kpi('ttdP50', fmt.duration(allDecisions.medianSeconds), allDecisions.medianSeconds, 'figureDef.TIME_TO_DECISION'),
    kpi('ttdP95', fmt.duration(allDecisions.p95Seconds), allDecisions.p95Seconds, 'figureDef.TIME_TO_DECISION'),
  );
  const book = el(
    'div',
    { class: 'kpis' },
    kpi('disbursed', fmt.money(f.portfolio.disbursedAmount), f.portfolio.disbursedAmount),
    kpi('outstanding', fmt.money(f.portfolio.outstandingPrincipal), f.portfolio.outstandingPrincipal),
    kpi('par1', percentOrDash(par.PAR1.ratio), par.PAR1.ratio, 'figureDef.PAR'),
    kpi('par30', percentOrDash(par.PAR30.ratio), par.PAR30.ratio, 'figureDef.PAR'),
    kpi('par90', percentOrDash(par.PAR90.ratio), par.PAR90.ratio, 'figureDef.PAR'),
  );

  const applied = f.funnel.applied;
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
    { chart: true },
  );
  const stages = funnelRows(f.funnel);
  const funnel = block(
    'funnel',
    'dash.section.funnel',
    table(
      [
        { label: t('dash.col.stage'), cell: stageName },
        { label: t('dash.col.loans'), class: 'num', cell: (s) => fmt.integer(s.loans) },
        { label: t('dash.col.share'), class: 'num', cell: (s) => share(s.loans) },
      ],
      stages,
      {
        rowAttrs: (s) => ({
          class: s.path ? `path-${s.path}` : null,
          dataset: { path: s.path ?? '', stage: s.stage, value: s.loans },
        }),
      },
    ),
    { chart: true, notes: ['figureDef.COHORT', 'figureDef.SHARE_OF_APPLIED'] },
  );
  const rates = block(
    'rates',
    'dash.section.rates',
    table(
      [
        { label: t('dash.col.rate'), cell: (r) => label('rate', r.rate) },
        { label: t('dash.col.value'), class: 'num', cell: (r) => percentOrDash(r.value) },
        {
          label: `${t('dash.col.numerator')} / ${t('dash.col.denominator')}`,
          class: 'num',
          cell: (r) => `${fmt.integer(r.numerator)} / ${fmt.integer(r.denominator)}`,
        },
        { label: t('dash.col.definition'), cell: (r) => el('small', {}, label('rateDef', r.rate)) },
      ],
      f.rates,
      { rowAttrs: (r) => ({ dataset: { rate: r.rate, value: r.value ?? '' } }) },
    ),
    { notes: ['figureDef.COHORT'] },
  );
  const decisionTimes = block(
    'time-to-decision',
    'dash.section.timeToDecision',
    table(
      [
        { label: t('dash.col.path'), cell: (d) => label('path', d.path) },
        { label: t('dash.col.decisions'), class: 'num', cell: (d) => fmt.integer(d.decisions) },
        { label: t('ttd.p50'), class: 'num', cell: (d) => durationCell(d.medianSeconds) },
        { label: t('ttd.p95'), class: 'num', cell: (d) => durationCell(d.p95Seconds) },
        { label: t('ttd.average'), class: 'num', cell: (d) => durationCell(d.averageSeconds) },
      ],
      f.timeToDecision,
      { rowAttrs: (d) => ({ dataset: { path: d.path, value: d.decisions } }) },
    ),
    { notes: ['figureDef.TIME_TO_DECISION'] },
  );
  const byChannel = block(
    'by-channel',
    'dash.section.byChannel',
    breakdownTable(
      [
        { label: t('dash.col.applicationChannel'), cell: (b) => label('applicationChannel', b.applicationChannel) },
        { label: t('dash.col.partnerChannel'), cell: (b) => b.partnerChannel ?? t('dash.noPartnerChannel') },
      ],
      f.byChannel,
      (b) => `${b.applicationChannel}/${b.partnerChannel ?? ''}`,
    ),
    { notes: ['figureDef.COHORT'] },
  );
  const byProduct = block(
    'by-product',
    'dash.section.byProduct',
    breakdownTable(
      [{ label: t('dash.col.loanType'), cell: (b) => label('loanType', b.loanType) }],
      f.byProduct,
      (b) => b.loanType,
    ),
    { notes: ['figureDef.COHORT'] },
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
    { chart: true, notes: ['figureDef.PAR'] },
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
    { chart: true },
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
    { chart: true },
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
      rates.node,
      decisionTimes.node,
      byChannel.node,
      byProduct.node,
      portfolio.node,
      parBlock.node,
      classes.node,
      pipeline.node,
    ),
  );

  chart(perDay.canvas, f.applications === 0, {
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
  const stageColor = (s) =>
    s.stage === 'REJECTED'
      ? COLORS.red
      : s.path === 'AUTO'
        ? COLORS.green
        : s.path === 'MANUAL'
          ? COLORS.blue
          : COLORS.grey;
  chart(funnel.canvas, applied === 0, {
    type: 'bar',
    data: {
      labels: stages.map(stageName),
      datasets: [{ data: stages.map((s) => s.loans), backgroundColor: stages.map(stageColor) }],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  chart(
    parBlock.canvas,
    f.par.every((p) => p.ratio === null),
    {
      type: 'bar',
      data: {
        labels: f.par.map((p) => p.bucket),
        datasets: [
          {
            data: f.par.map((p) => Number(p.ratio) * 100),
            backgroundColor: [COLORS.amber, COLORS.red, '#6d1b1b'],
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } } },
    },
  );
  chart(
    classes.canvas,
    f.classification.every((c) => c.loans === 0),
    {
      type: 'doughnut',
      data: {
        labels: f.classification.map((c) => label('class', c.classification)),
        datasets: [{ data: f.classification.map((c) => c.loans), backgroundColor: CLASS_COLORS }],
      },
    },
  );
  chart(
    pipeline.canvas,
    f.collections.every((c) => c.openTasks === 0),
    {
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
      options: {
        plugins: { legend: { display: true } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    },
  );
}

/** The monthly regulatory statistics (监管统计月报) of the month chosen, as CSV in the page's language. */
function exportRegulatoryMonth(event) {
  event.preventDefault();
  const regulatory = event.currentTarget;
  const month = regulatory.month.value;
  const params = new URLSearchParams({ month, lang: lang() });
  const error = document.getElementById('regulatory-error');
  error.replaceChildren();
  return downloadFile(`${regulatory.dataset.href}?${params}`, `regulatory-monthly_${month}.csv`).catch((e) =>
    error.replaceChildren(errorBox(e)),
  );
}

startPage(async () => {
  const regulatory = document.getElementById('regulatory');
  regulatory.month.value = addDays(`${businessToday().slice(0, 7)}-01`, -1).slice(0, 7);
  regulatory.addEventListener('submit', exportRegulatoryMonth);
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
