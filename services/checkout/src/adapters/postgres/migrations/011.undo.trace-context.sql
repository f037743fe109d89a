ALTER TABLE jobs DROP COLUMN traceparent;
ALTER TABLE webhook_deliveries DROP COLUMN traceparent;
