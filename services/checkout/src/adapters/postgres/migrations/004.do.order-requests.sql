-- The Idempotency-Key an order was placed under: the recovery point of a retry whose first
-- attempt committed but whose answer was lost (crash, cut connection). Written in the same
-- transaction as the order; the primary key makes a second order under one key impossible.
CREATE TABLE order_requests (
  tenant_id        text NOT NULL,
  idempotency_key  text NOT NULL,
  order_id         text NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
