// The collections queue: a collector's cases, the cases to claim and the contact form
// (/collections); the supervisor's desk with every open case, reassignment, assignment by the
// rule and each collector's figures (/collections/desk). Data: /v1/collections/…
import {
  CONTACT_CHANNEL_LABELS,
  CONTACT_CHANNELS,
  CONTACT_OUTCOME_LABELS,
  CONTACT_OUTCOMES,
} from '../../domain/collection-queue.js';
import { Layout, T } from './layout.js';

export function CollectionsPage() {
  return (
    <Layout page="collections" title="collections.heading" permission="collection:act">
      <div class="page-head">
        <h1>
          <T k="collections.heading" />
        </h1>
      </div>
      <p class="hint">
        <T k="collections.hours" />
      </p>
      <h2>
        <T k="collections.mine" />
      </h2>
      <div id="mine" class="table-wrap"></div>
      <h2>
        <T k="collections.contact" />
      </h2>
      <form id="contact" class="filters">
        <label>
          <T k="collections.contact.case" /> <select name="caseId" required></select>
        </label>
        <label>
          <T k="collections.contact.outcome" />{' '}
          <select name="outcome" required>
            {CONTACT_OUTCOMES.map((o) => (
              <option value={o} data-i18n={`outcome.${o}`}>
                {CONTACT_OUTCOME_LABELS[o].zh}
              </option>
            ))}
          </select>
        </label>
        <label>
          <T k="collections.contact.channel" />{' '}
          <select name="channel" required>
            {CONTACT_CHANNELS.map((c) => (
              <option value={c} data-i18n={`contactChannel.${c}`}>
                {CONTACT_CHANNEL_LABELS[c].zh}
              </option>
            ))}
          </select>
        </label>
        <label>
          <T k="collections.contact.note" /> <input name="note" required maxlength={1000} autocomplete="off" />
        </label>
        <label>
          <T k="collections.contact.promisedOn" /> <input name="promisedOn" type="date" />
        </label>
        <label>
          <T k="collections.contact.promisedAmount" /> <input name="promisedAmount" inputmode="decimal" />
        </label>
        <button type="submit" class="button primary">
          <T k="collections.contact.submit" />
        </button>
      </form>
      <div id="contact-result"></div>
      <h2>
        <T k="collections.unassigned" />
      </h2>
      <div id="unassigned" class="table-wrap"></div>
    </Layout>
  );
}

export function CollectionDeskPage() {
  return (
    <Layout page="collection-desk" title="collections.supervise.heading" permission="collection:supervise">
      <div class="page-head">
        <h1>
          <T k="collections.supervise.heading" />
        </h1>
        <button id="by-rule" type="button" class="button primary">
          <T k="collections.byRule" />
        </button>
      </div>
      <div id="desk-result"></div>
      <h2>
        <T k="collections.figures" />
      </h2>
      <div id="figures" class="table-wrap"></div>
      <h2>
        <T k="collections.all" />
      </h2>
      <div id="cases" class="table-wrap"></div>
    </Layout>
  );
}
