// Task inbox: the signed-in role's tasks, filtered by status, loan type and kind, with counts
// per kind and each task's age coloured against its deadline.
import {
  api,
  el,
  loadErrorBox,
  fmt,
  label,
  replace,
  shownAmount,
  startPage,
  statusBadge,
  t,
  table,
} from '/ui/assets/core.js';

const form = document.getElementById('filters');
const query = new URLSearchParams(location.search);
const state = {
  status: query.get('status') ?? 'OPEN',
  loanType: query.get('loanType') ?? '',
  kind: query.get('kind') ?? '',
};
let answer = null;
let failure = null;

/** ok: under half the time to the deadline used; warn: over half; late: past it. */
export function ageLevel(task) {
  if (task.overdue) return 'late';
  if (!task.dueAt) return 'none';
  const allowedHours = (Date.parse(task.dueAt) - Date.parse(task.createdAt)) / 3_600_000;
  if (allowedHours <= 0) return 'late';
  return task.ageHours / allowedHours >= 0.5 ? 'warn' : 'ok';
}

function remember() {
  const params = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}

async function load() {
  remember();
  const params = new URLSearchParams({ status: state.status, limit: '500' });
  if (state.loanType) params.set('loanType', state.loanType);
  try {
    answer = await api(`/v1/tasks?${params}`);
    failure = null;
  } catch (error) {
    failure = error;
  }
  draw();
}

function kindTabs(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const tab = (kind, text, count) =>
    el(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: `tab${state.kind === kind ? ' active' : ''}`,
        'aria-selected': state.kind === kind ? 'true' : 'false',
        dataset: { kind: kind || 'ALL' },
        onclick: () => {
          state.kind = kind;
          remember();
          draw();
        },
      },
      text,
      ' ',
      el('span', { class: 'count' }, String(count)),
    );
  return [
    tab('', t('common.all'), total),
    ...Object.entries(counts).map(([kind, count]) => tab(kind, label('taskKind', kind), count)),
  ];
}

/** What a task's detail says at a glance: the grade of a review, the arrears of a collection case. */
function keyFacts(task) {
  const d = task.detail ?? {};
  if (d.daysPastDue !== undefined)
    return t('inbox.detail.overdue', { days: d.daysPastDue, amount: fmt.money(d.amountDue) });
  if (d.grade) return t('inbox.detail.grade', { grade: d.grade });
  return '—';
}

function taskTable(tasks) {
  const assigned = tasks.some((task) => task.assigneeName);
  return table(
    [
      { label: t('inbox.col.kind'), cell: (task) => label('taskKind', task.kind) },
      {
        label: t('inbox.col.loan'),
        cell: (task) => el('a', { href: `/loans/${task.loanId}`, class: 'mono' }, task.loanId),
      },
      { label: t('inbox.col.loanType'), cell: (task) => label('loanType', task.loanType) },
      { label: t('inbox.col.amount'), class: 'num', cell: shownAmount },
      { label: t('inbox.col.loanStatus'), cell: (task) => statusBadge(task.loanStatus) },
      { label: t('inbox.col.detail'), cell: keyFacts },
      assigned ? { label: t('inbox.col.assignee'), cell: (task) => task.assigneeName ?? '—' } : null,
      { label: t('inbox.col.created'), cell: (task) => fmt.instant(task.createdAt) },
      { label: t('inbox.col.due'), cell: (task) => fmt.instant(task.dueAt) },
      {
        label: t('inbox.col.age'),
        cell: (task) =>
          el(
            'span',
            { class: `age age-${ageLevel(task)}`, dataset: { ageHours: task.ageHours } },
            fmt.age(task.ageHours),
          ),
      },
    ].filter(Boolean),
    tasks,
    {
      rowAttrs: (task) => ({
        class: 'clickable',
        dataset: { loanId: task.loanId, taskKind: task.kind, taskId: task.taskId },
        onclick: (event) => {
          if (event.target.closest('a')) return;
          location.assign(`/loans/${task.loanId}`);
        },
      }),
    },
  );
}

function draw() {
  if (failure) {
    replace('content', loadErrorBox(failure));
    return;
  }
  if (!answer) return;
  const tasks = answer.tasks.filter((task) => !state.kind || task.kind === state.kind);
  const counts = state.kind ? { [state.kind]: 0, ...answer.counts } : answer.counts;
  replace('kind-tabs', kindTabs(counts));
  replace('task-total', t('common.total', { n: tasks.length }));
  replace('content', tasks.length ? taskTable(tasks) : el('p', { class: 'empty' }, t('inbox.empty')));
}

startPage(async () => {
  form.status.value = state.status;
  form.loanType.value = state.loanType;
  form.addEventListener('change', () => {
    state.status = form.status.value;
    state.loanType = form.loanType.value;
    load();
  });
  document.getElementById('refresh').addEventListener('click', load);
  await load();
  return draw;
});
