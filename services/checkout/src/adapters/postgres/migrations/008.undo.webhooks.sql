DROP INDEX outbox_tenant_idx;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
