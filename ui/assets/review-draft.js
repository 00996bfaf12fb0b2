// A review decision being written, kept in localStorage under the reviewer and the loan, so a
// session that ends (signing in again, a closed tab) does not lose it. It holds only what the
// reviewer chose and typed: the decision, their comment, the changed terms and the document types
// asked for; nothing of the borrower. Restored only for the same stage and review round; removed
// once the decision is recorded, and after a week.
const PREFIX = 'microloan.reviewDraft';
const KEPT_MS = 7 * 24 * 3_600_000;
const FIELDS = ['comment', 'amount', 'ratePercent', 'termCount'];

function keyOf(user, loanId) {
  return `${PREFIX}.${user.userId}.${loanId}`;
}

/** Drops every draft older than a week, whoever wrote it. */
function dropStale(now) {
  for (let i = localStorage.length - 1; i >= 0; i -= 1) {
    const key = localStorage.key(i);
    if (!key?.startsWith(`${PREFIX}.`)) continue;
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? 'null');
      if (!saved || now - saved.savedAt > KEPT_MS) localStorage.removeItem(key);
    } catch {
      localStorage.removeItem(key);
    }
  }
}

export function reviewDraft({ user, loan, stage, form }) {
  const key = keyOf(user, loan.loanId);
  const round = loan.openReview?.round ?? null;

  const read = () => {
    const values = {};
    for (const name of FIELDS) {
      const value = form.elements[name]?.value ?? '';
      if (value !== '') values[name] = value;
    }
    const decision = form.elements.decision.value;
    if (decision) values.decision = decision;
    const documents = [...form.querySelectorAll('input[name="documents"]:checked')].map((box) => box.value);
    if (documents.length) values.documents = documents;
    return values;
  };

  return {
    save() {
      const values = read();
      if (Object.keys(values).length === 0) return localStorage.removeItem(key);
      localStorage.setItem(key, JSON.stringify({ stage, round, savedAt: Date.now(), values }));
    },
    /** Fills the form from the saved draft; true when there was one for this stage and round. */
    restore() {
      dropStale(Date.now());
      let saved;
      try {
        saved = JSON.parse(localStorage.getItem(key) ?? 'null');
      } catch {
        saved = null;
      }
      if (!saved || saved.stage !== stage || saved.round !== round) return false;
      const { values } = saved;
      for (const name of FIELDS)
        if (values[name] !== undefined && form.elements[name]) form.elements[name].value = values[name];
      if (values.decision) {
        const radio = form.querySelector(`input[name="decision"][value="${CSS.escape(values.decision)}"]`);
        if (radio) radio.checked = true;
      }
      for (const box of form.querySelectorAll('input[name="documents"]'))
        box.checked = (values.documents ?? []).includes(box.value);
      form.dataset.draftRestored = 'true';
      return true;
    },
    clear() {
      localStorage.removeItem(key);
    },
  };
}
