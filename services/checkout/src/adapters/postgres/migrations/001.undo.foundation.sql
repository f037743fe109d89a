DROP TABLE outbox;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE products;
DROP TABLE api_keys;
DROP TABLE tenants;
