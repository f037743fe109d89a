import type { IdGenerator } from '@keelson/kit/ids';
import { authenticate } from './access/authenticate.ts';
import { createApiKey } from './access/create-api-key.ts';
import { createTenant } from './access/create-tenant.ts';
import { listApiKeys } from './access/list-api-keys.ts';
import { listTenants } from './access/list-tenants.ts';
import { revokeApiKey } from './access/revoke-api-key.ts';
import { cancelOrder } from './orders/cancel-order.ts';
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
  LedgerReader,
  OrderRepository,
  PaymentProvider,
  PaymentRepository,
  ProductRepository,
} from './ports.ts';
import { createProduct } from './products/create-product.ts';
import { getProduct } from './products/get-product.ts';
import { listProducts } from './products/list-products.ts';
import { updateProduct } from './products/update-product.ts';

export interface ApplicationDeps {
  readonly products: ProductRepository;
  readonly orders: OrderRepository;
  readonly access: AccessRepository;
  readonly payments: PaymentRepository;
  readonly ledger: LedgerReader;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly orderTtlMs: number;
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
  };
}

export type Application = ReturnType<typeof buildApplication>;
