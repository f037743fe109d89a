-- Foundation: tenants, API keys, catalog, orders, and the transactional outbox.
-- Every business table carries tenant_id and is keyed by it, so a query that forgets
-- the tenant cannot use the primary key and stands out in review and in plans.

CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants (id),
  secret_hash  text NOT NULL,
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, id);

CREATE TABLE products (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  id           text NOT NULL,
  sku          text NOT NULL CHECK (length(btrim(sku)) BETWEEN 1 AND 100),
  name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  unit_amount  bigint NOT NULL CHECK (unit_amount >= 0),
  currency     char(3) NOT NULL,
  -- bigint: releases of reserved stock may lift a product restocked to the input limit above it.
  stock        bigint NOT NULL CHECK (stock >= 0),
  version      integer NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT products_tenant_sku_key UNIQUE (tenant_id, sku)
);

CREATE TABLE orders (
  tenant_id     text NOT NULL REFERENCES tenants (id),
  id            text NOT NULL,
  status        text NOT NULL,
  currency      char(3) NOT NULL,
  amount_total  bigint NOT NULL CHECK (amount_total >= 0),
  version       integer NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX orders_tenant_status_idx ON orders (tenant_id, status, id);

CREATE TABLE order_lines (
  tenant_id    text NOT NULL,
  order_id     text NOT NULL,
  line_no      integer NOT NULL,
  product_id   text NOT NULL,
  quantity     integer NOT NULL CHECK (quantity > 0),
  unit_amount  bigint NOT NULL CHECK (unit_amount >= 0),
  PRIMARY KEY (tenant_id, order_id, line_no),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
);

-- Transactional outbox: written in the same transaction as the state change it describes;
-- a relay (later) publishes unpublished rows in id order.
CREATE TABLE outbox (
  id                 text PRIMARY KEY,
  tenant_id          text NOT NULL,
  type               text NOT NULL,
  aggregate_type     text NOT NULL,
  aggregate_id       text NOT NULL,
  aggregate_version  integer NOT NULL,
  occurred_at        timestamptz NOT NULL,
  data               jsonb NOT NULL,
  published_at       timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
