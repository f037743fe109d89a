-- Payments, refunds and the ledger (issue 7 §4-§5). Tenant-scoped and keyed by tenant like the
-- rest; statuses and amounts are CHECKed so a bug in code cannot store a state the domain has
-- no name for.

CREATE TABLE payments (
  tenant_id            text NOT NULL REFERENCES tenants (id),
  id                   text NOT NULL,
  order_id             text NOT NULL,
  amount               bigint NOT NULL CHECK (amount >= 0),
  currency             char(3) NOT NULL,
  status               text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_action')),
  amount_refunded      bigint NOT NULL CHECK (amount_refunded >= 0),
  -- A provider token (pm_…), never card data.
  payment_method       text NOT NULL,
  failure_code         text,
  failure_message      text,
  decline_code         text,
  provider_payment_id  text,
  -- The client's key: a retry finds its payment (the recovery point) by it.
  idempotency_key      text NOT NULL CHECK (idempotency_key ~ '^[ -~]{1,255}$'),
  version              integer NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
  CONSTRAINT payments_tenant_idempotency_key_key UNIQUE (tenant_id, idempotency_key),
  CONSTRAINT payments_refunded_within_amount CHECK (amount_refunded <= amount),
  CONSTRAINT payments_refunds_only_when_succeeded CHECK (amount_refunded = 0 OR status = 'succeeded'),
  CONSTRAINT payments_failure_when_failed CHECK ((status = 'failed') = (failure_code IS NOT NULL))
);
-- At most one payment per order that is charging or has charged: a second attempt cannot even
-- be recorded, so two provider charges for one order are never sent, whatever the code does.
CREATE UNIQUE INDEX payments_one_live_per_order ON payments (tenant_id, order_id)
  WHERE status IN ('pending', 'succeeded');
CREATE INDEX payments_tenant_order_idx ON payments (tenant_id, order_id, id);
-- Reconcile scans pending payments across tenants, oldest first.
CREATE INDEX payments_pending_idx ON payments (created_at, id) WHERE status = 'pending';

CREATE TABLE refunds (
  tenant_id           text NOT NULL REFERENCES tenants (id),
  id                  text NOT NULL,
  payment_id          text NOT NULL,
  order_id            text NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            char(3) NOT NULL,
  status              text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason              text CHECK (length(reason) BETWEEN 1 AND 500),
  provider_refund_id  text,
  failure_code        text,
  failure_message     text,
  idempotency_key     text NOT NULL CHECK (idempotency_key ~ '^[ -~]{1,255}$'),
  version             integer NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
  CONSTRAINT refunds_tenant_idempotency_key_key UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX refunds_tenant_payment_idx ON refunds (tenant_id, payment_id, id);
CREATE INDEX refunds_tenant_order_idx ON refunds (tenant_id, order_id, id);
CREATE INDEX refunds_pending_idx ON refunds (created_at, id) WHERE status = 'pending';

-- Double-entry postings, append-only: a journal (one capture or one refund) is written once, in
-- the transaction of the state change it records, and never changed; a correction is a new
-- journal. The key (journal, line) makes posting the same capture or refund twice impossible.
CREATE TABLE ledger_entries (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  -- The payment (for its capture) or the refund that posted this entry.
  journal_id  text NOT NULL,
  line_no     integer NOT NULL CHECK (line_no >= 1),
  kind        text NOT NULL CHECK (kind IN ('capture', 'refund')),
  payment_id  text NOT NULL,
  refund_id   text,
  account     text NOT NULL CHECK (account IN ('provider_receivable', 'sales')),
  direction   text NOT NULL CHECK (direction IN ('debit', 'credit')),
  amount      bigint NOT NULL CHECK (amount > 0),
  currency    char(3) NOT NULL,
  posted_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, journal_id, line_no),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments (tenant_id, id),
  FOREIGN KEY (tenant_id, refund_id) REFERENCES refunds (tenant_id, id),
  CONSTRAINT ledger_entries_journal_names_source CHECK (
    (kind = 'capture' AND refund_id IS NULL AND journal_id = payment_id)
    OR (kind = 'refund' AND refund_id IS NOT NULL AND journal_id = refund_id)
  )
);
-- ledger verify reads the totals per payment across tenants, in payment order.
CREATE INDEX ledger_entries_payment_idx ON ledger_entries (payment_id);

-- No UPDATE or DELETE path exists in code; the database refuses one all the same (TRUNCATE too).
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER ledger_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();
