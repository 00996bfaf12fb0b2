// 消息模板: operations read and edit the text of every notice, preview it with sample values and
// bring back an earlier version (ui/assets/templates.js over /v1/message-templates).
import { Layout, T } from './layout.js';

export function TemplatesPage() {
  return (
    <Layout page="templates" title="templates.heading" permission="template:manage">
      <div class="page-head">
        <h1>
          <T k="templates.heading" />
        </h1>
      </div>
      <div id="events" class="table-wrap"></div>
      <section id="editor" class="card" hidden>
        <h2 id="editor-heading"></h2>
        <p>
          <T k="templates.variables" /> <span id="variables" class="mono"></span>
        </p>
        <form id="edit" class="stack">
          <label id="subject-field">
            <T k="templates.subject" /> <input name="subject" maxlength={100} />
          </label>
          <label>
            <T k="templates.body" /> <textarea name="body" rows={5} maxlength={500} required></textarea>
          </label>
          <div class="actions">
            <button type="button" id="preview" class="button">
              <T k="templates.preview" />
            </button>
            <button type="submit" class="button primary">
              <T k="templates.save" />
            </button>
          </div>
        </form>
        <div id="edit-result"></div>
        <h3>
          <T k="templates.versions" />
        </h3>
        <div id="versions" class="table-wrap"></div>
      </section>
    </Layout>
  );
}
