import type { IdGenerator } from '@keelson/kit/ids';
import { authenticate } from './access/authenticate.ts';
import { createApiKey } from './access/create-api-key.ts';
import { createTenant } from './access/create-tenant.ts';
import { listApiKeys } from './access/list-api-keys.ts';
import { listTenants } from './access/list-tenants.ts';
import { revokeApiKey } from './access/revoke-api-key.ts';
import { discardDeadLetter } from './dead-letters/discard-dead-letter.ts';
import { getDeadLetter } from './dead-letters/get-dead-letter.ts';
import { listDeadLetters } from './dead-letters/list-dead-letters.ts';
import { replayDeadLetter } from './dead-letters/replay-dead-letter.ts';
import { republishEvents } from './events/republish-events.ts';
import { cancelOrder } from './orders/cancel-order.ts';
import { expireOrders } from './orders/expire-orders.ts';
import { fulfillOrder } from './orders/fulfill-order.ts';
import { getOrder } from './orders/get-order.ts';
import { listOrders } from './orders/list-orders.ts';
import { placeOrder } from './orders/place-order.ts';
import { getPayment, getRefund, listPayments, listRefunds } from './payments/get-payment.ts';
import { payOrder } from './payments/pay-order.ts';
import { requireProvider } from './payments/provider-gate.ts';
import { reconcilePayments } from './payments/reconcile.ts';
import { refundPayment } from './payments/refund-payment.ts';
import { verifyLedger } from './payments/verify-ledger.ts';
import type {
  AccessRepository,
  Clock,
  DeadLetterRepository,
  KeyCache,
  LedgerReader,
  OrderRepository,
  OutboxAdmin,
  PaymentProvider,
  PaymentRepository,
  PricingPolicy,
  ProductRepository,
  Shipping,
} from './ports.ts';
import { createProduct } from './products/create-product.ts';
import { getProduct } from './products/get-product.ts';
import { listProducts } from './products/list-products.ts';
import { updateProduct } from './products/update-product.ts';
import { createWebhookEndpoint } from './webhooks/create-webhook-endpoint.ts';
import { deleteWebhookEndpoint } from './webhooks/delete-webhook-endpoint.ts';
import { enqueueWebhookDeliveries } from './webhooks/enqueue-webhook-deliveries.ts';
import { getEvent, listEvents } from './webhooks/get-event.ts';
import { getWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints } from './webhooks/get-webhook-endpoint.ts';
import type { EventReader, WebhookRepository, WebhookSettings } from './webhooks/ports.ts';
import { replayWebhookDeadLetter } from './webhooks/replay-webhook-dead-letter.ts';
import { rotateWebhookSecret } from './webhooks/rotate-webhook-secret.ts';

export interface ApplicationDeps {
  readonly products: ProductRepository;
  readonly orders: OrderRepository;
  readonly access: AccessRepository;
  readonly payments: PaymentRepository;
  readonly ledger: LedgerReader;
  readonly deadLetters: DeadLetterRepository;
  readonly provider: PaymentProvider;
  readonly shipping: Shipping;
  readonly outbox: OutboxAdmin;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly orderTtlMs: number;
  /** Verified API keys kept in memory; absent, every request reads and hashes its key. */
  readonly keyCache?: KeyCache;
  readonly webhooks: WebhookRepository;
  readonly events: EventReader;
  readonly webhookSettings: WebhookSettings;
  /** Names of the configured rate-limit plans a key may be given (besides the default). */
  readonly ratePlans?: readonly string[];
  /** How new orders are priced per tenant; absent, at list prices. */
  readonly pricing?: PricingPolicy;
}

/** Every use case, typed, for the transports to call directly (no command bus). */
export function buildApplication(deps: ApplicationDeps) {
  return {
    commands: {
      createProduct: createProduct(deps),
      updateProduct: updateProduct(deps),
      placeOrder: placeOrder(deps),
      cancelOrder: cancelOrder(deps),
      payOrder: payOrder(deps),
      refundPayment: refundPayment(deps),
      reconcilePayments: reconcilePayments(deps),
      expireOrders: expireOrders(deps),
      republishEvents: republishEvents(deps),
    },
    /** What event consumers apply (adapters/events subscribes them). */
    consumers: {
      fulfillOrder: fulfillOrder(deps),
    },
    queries: {
      getProduct: getProduct(deps),
      listProducts: listProducts(deps),
      getOrder: getOrder(deps),
      listOrders: listOrders(deps),
      getPayment: getPayment(deps),
      listPayments: listPayments(deps),
      getRefund: getRefund(deps),
      listRefunds: listRefunds(deps),
      verifyLedger: verifyLedger(deps),
      getEvent: getEvent(deps),
      listEvents: listEvents(deps),
    },
    webhooks: {
      createEndpoint: createWebhookEndpoint(deps),
      getEndpoint: getWebhookEndpoint(deps),
      listEndpoints: listWebhookEndpoints(deps),
      deleteEndpoint: deleteWebhookEndpoint(deps),
      rotateSecret: rotateWebhookSecret(deps),
      listDeliveries: listWebhookDeliveries(deps),
      /** For the event consumer: see enqueue-webhook-deliveries.ts. */
      enqueueDeliveries: enqueueWebhookDeliveries(deps),
      /** For the dead-letter replayer registry (source `webhook`). */
      replayDeadLetter: replayWebhookDeadLetter(deps),
    },
    /** Checks a transport runs before an operation's own work, to refuse early and cheaply. */
    gates: {
      requireProvider: requireProvider(deps),
    },
    access: {
      authenticate: authenticate(deps),
      createTenant: createTenant(deps),
      createApiKey: createApiKey(deps),
      revokeApiKey: revokeApiKey(deps),
      listTenants: listTenants(deps),
      listApiKeys: listApiKeys(deps),
    },
    deadLetters: {
      list: listDeadLetters(deps),
      get: getDeadLetter(deps),
      replay: replayDeadLetter(deps),
      discard: discardDeadLetter(deps),
    },
  };
}

export type Application = ReturnType<typeof buildApplication>;
