-- Borrower documents as PDFs, and message templates (消息模板).
--
-- borrower_documents: every PDF issued to a borrower (receipt of a payment, statement of a period,
-- copy of the signed contract, 结清证明), sealed like the other documents that carry a name, with
-- the sha256 of its bytes. Keyed by loan, kind and the document's key (payment id, "from..to",
-- contract version, "-"); rendering is deterministic, so the same facts give the same bytes and
-- the stored version is served; when the facts change (a payment reversed) the next render is a
-- new version, and every earlier one is kept.
create table borrower_documents (
  loan_id text not null references loans(id),
  kind text not null check (kind in ('RECEIPT', 'STATEMENT', 'CONTRACT', 'SETTLEMENT_CERTIFICATE')),
  doc_key text not null check (length(doc_key) between 1 and 80),
  version integer not null check (version > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer not null check (size_bytes > 0),
  pdf_enc bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  primary key (loan_id, kind, doc_key, version)
);

-- Message templates: a new version per edit, every version kept, exactly one active per event and
-- channel. The variables a template may use are declared in domain/message-templates.ts.
create table message_template_versions (
  event text not null check (event ~ '^[A-Z][A-Z0-9_]{0,63}$'),
  channel text not null check (channel in ('SMS', 'EMAIL')),
  version integer not null check (version > 0),
  subject text,
  body text not null check (length(body) between 1 and 500),
  active boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (event, channel, version),
  check ((channel = 'SMS') = (subject is null))
);
create unique index message_template_one_active on message_template_versions (event, channel) where active;

-- The text each notice was sent with (personal data masked), and the template version it came from.
alter table notifications
  add column body text,
  add column template_version integer;

insert into message_template_versions (event, channel, version, subject, body, active, created_by) values
  ('LOAN_STATUS_CHANGED', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 状态已更新为：{{statusZh}}。{{reason}}', true, 'system'),
  ('DOCUMENTS_MISSING', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款申请 {{loanId}} 尚缺资料：{{missing}}，请于 {{deadline}} 前补充上传。', true, 'system'),
  ('SCHEDULE_CONFIRMED', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 已于 {{disbursedOn}} 放款，共 {{installmentCount}} 期，首期还款日 {{firstDueDate}}，还款计划确认书已生成。', true, 'system'),
  ('REPAYMENT_REMINDER', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 第 {{installment}} 期应还 {{amount}} 元，还款日 {{dueDate}}，请按时还款。', true, 'system'),
  ('GRACE_REMINDER', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 第 {{installment}} 期（还款日 {{dueDate}}）应还 {{amount}} 元，宽限期至 {{graceEndsOn}}，逾期将产生罚息。', true, 'system'),
  ('OVERDUE_NOTICE', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，当前应还 {{amountDue}} 元，请尽快还款。', true, 'system'),
  ('OVERDUE_ESCALATED', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，应还 {{amountDue}} 元，已转专人跟进，请立即还款。', true, 'system'),
  ('OVERDUE_LEGAL_NOTICE', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，应还 {{amountDue}} 元。如仍未还款，我司将依法通过法律途径追偿。', true, 'system'),
  ('REFUND_PAID', 'SMS', 1, null,
   '【小额贷款】{{borrowerName}}您好，您的借款 {{loanId}} 的退款 {{amount}} 元已于 {{paidOn}} 退至您的账户。', true, 'system'),
  ('LOAN_STATUS_CHANGED', 'EMAIL', 1, '您的借款 {{loanId}} 状态已更新',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 状态已更新为：{{statusZh}}。{{reason}}\n\n小额贷款', true, 'system'),
  ('DOCUMENTS_MISSING', 'EMAIL', 1, '借款申请 {{loanId}} 尚缺资料',
   E'{{borrowerName}}您好：\n\n您的借款申请 {{loanId}} 尚缺资料：{{missing}}，请于 {{deadline}} 前补充上传。\n\n小额贷款', true, 'system'),
  ('SCHEDULE_CONFIRMED', 'EMAIL', 1, '借款 {{loanId}} 已放款',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 已于 {{disbursedOn}} 放款，共 {{installmentCount}} 期，首期还款日 {{firstDueDate}}。\n\n小额贷款', true, 'system'),
  ('REPAYMENT_REMINDER', 'EMAIL', 1, '借款 {{loanId}} 第 {{installment}} 期还款提醒',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 第 {{installment}} 期应还 {{amount}} 元，还款日 {{dueDate}}。\n\n小额贷款', true, 'system'),
  ('GRACE_REMINDER', 'EMAIL', 1, '借款 {{loanId}} 宽限期即将结束',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 第 {{installment}} 期应还 {{amount}} 元，宽限期至 {{graceEndsOn}}。\n\n小额贷款', true, 'system'),
  ('OVERDUE_NOTICE', 'EMAIL', 1, '借款 {{loanId}} 逾期通知',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，当前应还 {{amountDue}} 元。\n\n小额贷款', true, 'system'),
  ('OVERDUE_ESCALATED', 'EMAIL', 1, '借款 {{loanId}} 逾期升级通知',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，应还 {{amountDue}} 元，已转专人跟进。\n\n小额贷款', true, 'system'),
  ('OVERDUE_LEGAL_NOTICE', 'EMAIL', 1, '借款 {{loanId}} 逾期法律告知',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 已逾期 {{daysPastDue}} 天，应还 {{amountDue}} 元。如仍未还款，我司将依法追偿。\n\n小额贷款', true, 'system'),
  ('REFUND_PAID', 'EMAIL', 1, '借款 {{loanId}} 退款已到账',
   E'{{borrowerName}}您好：\n\n您的借款 {{loanId}} 的退款 {{amount}} 元已于 {{paidOn}} 退至您的账户。\n\n小额贷款', true, 'system');
