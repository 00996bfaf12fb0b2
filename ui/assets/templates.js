// 消息模板: every event with its active SMS and email text; choosing one opens its editor, where a
// preview renders the text with the event's sample values, saving makes a new active version, and
// an earlier version can be made active again. Refusals (an unknown variable) name the field.
import { api, el, errorBox, fmt, lang, replace, startPage, t, table } from '/ui/assets/core.js';

let events = [];
let chosen = null; // { event, channel }
let versions = [];

const nameOf = (e) => (lang() === 'en' ? e.nameEn : e.nameZh);

async function loadEvents() {
  ({ items: events } = await api('/v1/message-templates'));
}

async function loadVersions() {
  ({ items: versions } = await api(`/v1/message-templates/${chosen.event}/${chosen.channel}/versions`));
}

function open(event, channel) {
  chosen = { event, channel };
  const active = events.find((e) => e.event === event)?.active.find((a) => a.channel === channel);
  const form = document.getElementById('edit');
  form.body.value = active?.body ?? '';
  form.subject.value = active?.subject ?? '';
  document.getElementById('subject-field').hidden = channel !== 'EMAIL';
  replace('edit-result');
  return loadVersions().then(draw);
}

function drawEvents() {
  const rows = events.flatMap((e) => e.active.map((a) => ({ ...a, name: nameOf(e) })));
  replace(
    'events',
    table(
      [
        {
          label: t('templates.col.event'),
          cell: (r) => el('span', {}, r.name, ' ', el('span', { class: 'mono' }, r.event)),
        },
        { label: t('templates.col.channel'), cell: (r) => r.channel },
        { label: t('templates.col.version'), class: 'num', cell: (r) => String(r.version) },
        { label: t('templates.col.text'), cell: (r) => (r.subject ? `${r.subject} — ${r.body}` : r.body) },
        {
          label: '',
          cell: (r) => {
            const b = el('button', { type: 'button', class: 'button' }, t('templates.edit'));
            b.addEventListener('click', () =>
              open(r.event, r.channel).catch((error) => replace('edit-result', errorBox(error))),
            );
            return b;
          },
        },
      ],
      rows,
      { rowAttrs: (r) => ({ dataset: { event: r.event, channel: r.channel } }) },
    ),
  );
}

function drawEditor() {
  const section = document.getElementById('editor');
  if (!chosen) return (section.hidden = true);
  section.hidden = false;
  const e = events.find((x) => x.event === chosen.event);
  replace('editor-heading', `${nameOf(e)} · ${chosen.channel}`);
  replace('variables', e.variables.map((v) => `{{${v}}}`).join(' '));
  replace(
    'versions',
    table(
      [
        { label: t('templates.col.version'), class: 'num', cell: (v) => String(v.version) },
        { label: t('templates.col.text'), cell: (v) => (v.subject ? `${v.subject} — ${v.body}` : v.body) },
        { label: t('templates.col.by'), cell: (v) => el('span', { class: 'mono' }, v.createdBy) },
        { label: t('templates.col.at'), cell: (v) => fmt.instant(v.createdAt) },
        {
          label: '',
          cell: (v) => {
            if (v.active) return el('span', { class: 'badge' }, t('templates.active'));
            const b = el('button', { type: 'button', class: 'button' }, t('templates.activate'));
            b.addEventListener('click', async () => {
              try {
                await api(`/v1/message-templates/${chosen.event}/${chosen.channel}/versions/${v.version}/activate`, {
                  method: 'POST',
                });
                await Promise.all([loadEvents(), loadVersions()]);
                draw();
              } catch (error) {
                replace('edit-result', errorBox(error));
              }
            });
            return b;
          },
        },
      ],
      versions,
      { rowAttrs: (v) => ({ dataset: { version: String(v.version), active: String(v.active) } }) },
    ),
  );
}

function draw() {
  drawEvents();
  drawEditor();
}

function edited() {
  const form = document.getElementById('edit');
  return {
    body: form.body.value,
    ...(chosen.channel === 'EMAIL' ? { subject: form.subject.value } : {}),
  };
}

startPage(async () => {
  await loadEvents();
  document.getElementById('preview').addEventListener('click', async () => {
    try {
      const shown = await api('/v1/message-templates/preview', {
        method: 'POST',
        body: { event: chosen.event, channel: chosen.channel, ...edited() },
      });
      replace(
        'edit-result',
        el(
          'div',
          { class: 'alert', id: 'preview-text' },
          shown.subject ? `${shown.subject} — ${shown.text}` : shown.text,
        ),
      );
    } catch (error) {
      replace('edit-result', errorBox(error));
    }
  });
  document.getElementById('edit').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const made = await api(`/v1/message-templates/${chosen.event}/${chosen.channel}/versions`, {
        method: 'POST',
        body: edited(),
      });
      await Promise.all([loadEvents(), loadVersions()]);
      draw();
      replace(
        'edit-result',
        el('div', { class: 'alert', role: 'status' }, t('templates.saved', { version: made.version })),
      );
    } catch (error) {
      replace('edit-result', errorBox(error));
    }
  });
  draw();
  return draw;
});
