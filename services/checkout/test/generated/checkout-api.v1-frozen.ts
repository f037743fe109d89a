// Frozen copy of checkout-api.ts as generated before /v2 (ADR 0017): the v1 client already in the field. Never regenerate.
export interface paths {
    "/v1": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the resources and the documentation are */
        get: operations["getApiIndex"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List products, newest first */
        get: operations["listProducts"];
        put?: never;
        /** Create a product */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a product */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update name, price or stock (optimistic concurrency on version) */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List orders, newest first, optionally by status */
        get: operations["listOrders"];
        put?: never;
        /** Place an order, reserving stock atomically */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve an order */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an unpaid order and release its stock */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pay an order: authorize and capture its total through the payment provider */
        post: operations["createPayment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a payment */
        get: operations["getPayment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List payments, newest first, optionally of one order */
        get: operations["listPayments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/payments/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A payment's refunds, newest first */
        get: operations["listPaymentRefunds"];
        put?: never;
        /** Refund a payment, in full (default) or in part; the sum never exceeds the capture */
        post: operations["createRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/refunds/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a refund */
        get: operations["getRefund"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook_endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints, newest first */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /** Register a webhook endpoint; its signing secret is in this answer only */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook_endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve a webhook endpoint */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /** Delete a webhook endpoint; deliveries not yet made are dropped */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook_endpoints/{id}/rotate_secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New signing secret (shown once); the old one keeps signing for the overlap window */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook_endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's deliveries, newest first: attempts, status codes, timing, errors */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List events, newest first, optionally of one type */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retrieve an event */
        get: operations["getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CreateProductInput: {
            /** @description 1–100 characters (Unicode code points), no control or format characters (newlines, zero-width spaces, bidirectional overrides…); surrounding spaces are trimmed */
            sku: string;
            /** @description 1–200 characters (Unicode code points), no control characters (newlines, tabs…) or bidirectional overrides; surrounding spaces are trimmed */
            name: string;
            /** @description Integer amount in minor units (cents), never a float */
            unit_amount: number;
            /** @description ISO-4217 currency code, upper case (e.g. USD) */
            currency: string;
            stock: number;
        };
        UpdateProductInput: {
            /** @description 1–200 characters (Unicode code points), no control characters (newlines, tabs…) or bidirectional overrides; surrounding spaces are trimmed */
            name?: string;
            /** @description Integer amount in minor units (cents), never a float */
            unit_amount?: number;
            stock?: number;
            /** @description The version you last read; a stale one answers 409 version_conflict */
            version: number;
        };
        CreateOrderInput: {
            lines: {
                product_id: string;
                quantity: number;
            }[];
        };
        CancelOrderInput: Record<string, never> | null;
        CreateWebhookEndpointInput: {
            /** @description https:// URL the events are POSTed to; its address must be public (checked at every delivery) */
            url: string;
            /** @description Event types to deliver, or ["*"] for all of them */
            enabled_events: (("order.created" | "order.cancelled" | "order.expired" | "order.paid" | "order.fulfilled" | "order.partially_refunded" | "order.refunded" | "payment.succeeded" | "payment.failed" | "payment.requires_action" | "refund.succeeded" | "refund.failed" | "product.created" | "product.updated") | "*")[];
        };
        RotateWebhookSecretInput: Record<string, never> | null;
        CreatePaymentInput: {
            /** @description A payment method token: pm_card_visa succeeds, pm_card_chargeDeclined declines (test cards) */
            payment_method: string;
        };
        CreateRefundInput: {
            /** @description Default: everything not refunded yet */
            amount?: number;
            /** @description 1–500 characters (Unicode code points), no control characters (newlines, tabs…) or bidirectional overrides; surrounding spaces are trimmed */
            reason?: string;
        } | null;
        Product: {
            /** @constant */
            object: "product";
            /** @description prod_… identifier */
            id: string;
            sku: string;
            name: string;
            /** @description Integer amount in minor units (cents), never a float */
            unit_amount: number;
            /** @description ISO-4217 currency code, upper case (e.g. USD) */
            currency: string;
            stock: number;
            /** @description Optimistic-concurrency version; send it back on PATCH. It also moves when orders reserve or release stock, so a PATCH never overwrites a reservation it did not see. */
            version: number;
            /** @description RFC 3339 timestamp */
            created_at: string;
            /** @description RFC 3339 timestamp */
            updated_at: string;
        };
        OrderLine: {
            product_id: string;
            quantity: number;
            /** @description Unit price snapshot taken when the order was placed */
            unit_amount: number;
            /** @description unit_amount × quantity */
            amount: number;
        };
        Order: {
            /** @constant */
            object: "order";
            /** @description ord_… identifier */
            id: string;
            /** @enum {string} */
            status: "pending_payment" | "paid" | "fulfilled" | "cancelled" | "expired" | "refunded" | "partially_refunded";
            /** @description ISO-4217 currency code, upper case (e.g. USD) */
            currency: string;
            /** @description Integer amount in minor units (cents), never a float */
            amount_total: number;
            lines: components["schemas"]["OrderLine"][];
            version: number;
            /** @description When an unpaid order expires and releases its stock */
            expires_at: string;
            /** @description RFC 3339 timestamp */
            created_at: string;
            /** @description RFC 3339 timestamp */
            updated_at: string;
        };
        ApiIndex: {
            /** @constant */
            object: "api";
            /** @description The API version this prefix serves (e.g. v1) */
            version: string;
            /** @description Collection paths */
            resources: {
                products: string;
                orders: string;
            };
            /** @description Interactive reference page */
            docs: string;
            /** @description The OpenAPI 3.1 document */
            openapi: string;
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description Stable machine-readable code; see docs/errors.md */
            code: string;
            request_id: string;
            issues?: {
                path: string;
                message: string;
            }[];
        };
        WebhookEndpoint: {
            /** @constant */
            object: "webhook_endpoint";
            /** @description we_… identifier */
            id: string;
            url: string;
            /** @description Event types delivered, or ["*"] for all */
            enabled_events: string[];
            /** @description Until then deliveries also carry a signature made with the secret before the last rotation */
            previous_secret_expires_at: string | null;
            /** @description RFC 3339 timestamp */
            created_at: string;
        };
        WebhookEndpointWithSecret: {
            /** @constant */
            object: "webhook_endpoint";
            /** @description we_… identifier */
            id: string;
            url: string;
            /** @description Event types delivered, or ["*"] for all */
            enabled_events: string[];
            /** @description Until then deliveries also carry a signature made with the secret before the last rotation */
            previous_secret_expires_at: string | null;
            /** @description RFC 3339 timestamp */
            created_at: string;
            /** @description whsec_… signing secret: shown this once, store it now */
            secret: string;
        };
        DeletedWebhookEndpoint: {
            /** @constant */
            object: "webhook_endpoint";
            id: string;
            /** @constant */
            deleted: true;
        };
        WebhookDelivery: {
            /** @constant */
            object: "webhook_delivery";
            /** @description whd_… identifier */
            id: string;
            endpoint_id: string;
            event_id: string;
            event_type: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "dead";
            /** @description Attempts made so far */
            attempts: number;
            /** @description When the next attempt is due; null once succeeded or dead */
            next_attempt_at: string | null;
            /** @description The last attempts, oldest first (at most 25) */
            recent_attempts: {
                /** @description RFC 3339 timestamp */
                attempted_at: string;
                /** @description The receiver's HTTP status; null if none came */
                status_code: number | null;
                duration_ms: number;
                /** @description Why the attempt failed (never the receiver body) */
                error: string | null;
            }[];
            /** @description RFC 3339 timestamp */
            created_at: string;
            completed_at: string | null;
        };
        Event: {
            /** @description evt_… identifier */
            id: string;
            /** @constant */
            object: "event";
            type: string;
            /** @description Unix seconds */
            created: number;
            data: {
                /** @description The object as the API shows it */
                object: {
                    [key: string]: unknown;
                };
            };
        };
        Payment: {
            /** @constant */
            object: "payment";
            /** @description pay_… identifier */
            id: string;
            order_id: string;
            /** @description The order's total, captured whole or not at all */
            amount: number;
            /** @description ISO-4217 currency code, upper case (e.g. USD) */
            currency: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed" | "requires_action";
            /** @description Integer amount in minor units (cents), never a float */
            amount_refunded: number;
            /** @description The payment method token (pm_…); card data never reaches Keelson */
            payment_method: string;
            /** @description card_declined or invalid_payment_method when failed */
            failure_code: string | null;
            failure_message: string | null;
            /** @description The issuer's reason for a decline (e.g. insufficient_funds) */
            decline_code: string | null;
            /** @description RFC 3339 timestamp */
            created_at: string;
            /** @description RFC 3339 timestamp */
            updated_at: string;
        };
        Refund: {
            /** @constant */
            object: "refund";
            /** @description re_… identifier */
            id: string;
            payment_id: string;
            order_id: string;
            /** @description Integer amount in minor units (cents), never a float */
            amount: number;
            /** @description ISO-4217 currency code, upper case (e.g. USD) */
            currency: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            reason: string | null;
            failure_code: string | null;
            failure_message: string | null;
            /** @description RFC 3339 timestamp */
            created_at: string;
            /** @description RFC 3339 timestamp */
            updated_at: string;
        };
        ProductList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Product"][];
            has_more: boolean;
        };
        OrderList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Order"][];
            has_more: boolean;
        };
        PaymentList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Payment"][];
            has_more: boolean;
        };
        WebhookEndpointList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["WebhookEndpoint"][];
            has_more: boolean;
        };
        WebhookDeliveryList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["WebhookDelivery"][];
            has_more: boolean;
        };
        EventList: {
            /** @constant */
            object: "list";
            data: components["schemas"]["Event"][];
            has_more: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getApiIndex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiIndex"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProducts: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProductInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object */
                    Location: string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from an earlier answer: unchanged, the answer is 304 without a body */
                "if-none-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The representation's version as a strong validator; send it back in `If-None-Match` */
                    ETag: string;
                    /** @description `private, no-cache`: store it for this caller only, and revalidate before each use */
                    "Cache-Control": string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Not Modified: the `If-None-Match` tag is current; no body */
            304: {
                headers: {
                    /** @description The representation's version as a strong validator; send it back in `If-None-Match` */
                    ETag: string;
                    /** @description `private, no-cache`: store it for this caller only, and revalidate before each use */
                    "Cache-Control": string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProductInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOrders: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
                status?: "pending_payment" | "paid" | "fulfilled" | "cancelled" | "expired" | "refunded" | "partially_refunded";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrderInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object */
                    Location: string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CancelOrderInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createPayment: {
        parameters: {
            query?: never;
            header: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object */
                    Location: string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The card was declined (`card_declined`, with `decline_code` and `payment_id`) */
            402: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request deadline passed; a payment left pending is resolved by a retry with the same key */
            504: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPayment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Payment"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPayments: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
                order_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listPaymentRefunds: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        object: "list";
                        data: components["schemas"]["Refund"][];
                        /** @enum {boolean} */
                        has_more: false;
                    };
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRefund: {
        parameters: {
            query?: never;
            header: {
                /** @description Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreateRefundInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object */
                    Location: string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for another request (`idempotency_key_reused`) */
            422: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request deadline passed; a payment left pending is resolved by a retry with the same key */
            504: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRefund: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookEndpointInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object */
                    Location: string;
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedWebhookEndpoint"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RotateWebhookSecretInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Id of the last item of the previous page */
                starting_after?: string;
                /** @description Only events of this type (e.g. order.paid) */
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            /** @description Invalid request (see `code` and `issues`) */
            400: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, malformed, unknown or revoked API key */
            401: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key lacks the required scope */
            403: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such object for this tenant */
            404: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state (see `code`) */
            409: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key */
            429: {
                headers: {
                    /** @description The key's plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second) */
                    "RateLimit-Policy"?: string;
                    /** @description Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1` */
                    RateLimit?: string;
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying; never earlier than the limit allows */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
