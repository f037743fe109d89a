import { type CreatedKey, defaultPlan } from '../../app/access/create-api-key.ts';
import type { RevokedKey } from '../../app/access/revoke-api-key.ts';
import type { RepublishReport } from '../../app/events/republish-events.ts';
import type { ReconcileReport } from '../../app/payments/reconcile.ts';
import type { LedgerDiscrepancyKind, LedgerReport } from '../../app/payments/verify-ledger.ts';
import type { Page } from '../../app/ports.ts';
import type { ApiKeySummary, Scope, Tenant } from '../../domain/access.ts';
import { listToWire } from './wire.ts';

// One JSON shape for tenants, keys and the payment upkeep reports, shared by the admin API and the CLI's --json output.
// The types are the contract the CLI reads the admin API with; the mappers are held to them.

export interface TenantWire {
  readonly object: 'tenant';
  readonly id: string;
  /** A label: several tenants may share a name; the id identifies the tenant. */
  readonly name: string;
  readonly created_at: string;
}

/** A new key, with its bearer token: the only time the token is ever shown. */
export interface CreatedApiKeyWire {
  readonly object: 'api_key';
  readonly id: string;
  readonly tenant_id: string;
  readonly scopes: readonly Scope[];
  /** The rate-limit plan; `default` unless created with another. */
  readonly plan: string;
  readonly token: string;
  readonly created_at: string;
}

export interface RevokedApiKeyWire {
  readonly object: 'api_key';
  readonly id: string;
  readonly tenant_id: string;
  readonly revoked_at: string;
}

/** A key as lists show it: never its token, secret or hash. */
export interface ApiKeyWire {
  readonly object: 'api_key';
  readonly id: string;
  readonly tenant_id: string;
  readonly scopes: readonly Scope[];
  readonly plan: string;
  readonly created_at: string;
  /** null while the key is active. */
  readonly revoked_at: string | null;
}

/** One page, newest first, as the public lists answer it. */
export interface ListWire<T> {
  readonly object: 'list';
  readonly data: readonly T[];
  readonly has_more: boolean;
}

export type TenantListWire = ListWire<TenantWire>;
export type ApiKeyListWire = ListWire<ApiKeyWire>;

export function tenantToWire(t: Tenant): TenantWire {
  return { object: 'tenant', id: t.id, name: t.name, created_at: t.createdAt.toISOString() };
}

// What every key shape starts with, in this order.
function keyHead(k: { readonly id: string; readonly tenantId: string }) {
  return { object: 'api_key' as const, id: k.id, tenant_id: k.tenantId };
}

export function keyToWire(k: CreatedKey): CreatedApiKeyWire {
  return {
    ...keyHead(k),
    scopes: k.scopes,
    plan: k.plan ?? defaultPlan,
    token: k.token,
    created_at: k.createdAt.toISOString(),
  };
}

export function revokedKeyToWire(k: RevokedKey): RevokedApiKeyWire {
  return { ...keyHead(k), revoked_at: k.revokedAt.toISOString() };
}

export function keySummaryToWire(k: ApiKeySummary): ApiKeyWire {
  const revoked_at = k.revokedAt?.toISOString() ?? null;
  return {
    ...keyHead(k),
    scopes: k.scopes,
    plan: k.plan ?? defaultPlan,
    created_at: k.createdAt.toISOString(),
    revoked_at,
  };
}

export function tenantListToWire(page: Page<Tenant>): TenantListWire {
  return listToWire(page, tenantToWire);
}

export function keyListToWire(page: Page<ApiKeySummary>): ApiKeyListWire {
  return listToWire(page, keySummaryToWire);
}

/** `payments reconcile`: the pending items found, and how many a provider answer settled. */
export interface ReconcileReportWire {
  readonly object: 'reconcile_report';
  readonly payments: { readonly pending: number; readonly settled: number; readonly failed: number };
  readonly refunds: { readonly pending: number; readonly settled: number; readonly failed: number };
}

/** One disagreement; what `ours` and `theirs` hold per kind is documented on LedgerDiscrepancyKind. */
export interface LedgerDiscrepancyWire {
  readonly kind: LedgerDiscrepancyKind;
  readonly payment_id: string | null;
  readonly tenant_id: string | null;
  readonly provider_payment_id: string | null;
  readonly currency: string;
  readonly ours: number | null;
  readonly theirs: number | null;
  readonly detail: string;
}

/** `ledger verify`: `ok` false when anything disagrees (the CLI then exits 1). */
export interface LedgerReportWire {
  readonly object: 'ledger_report';
  readonly ok: boolean;
  readonly currencies: readonly {
    readonly currency: string;
    readonly debits: number;
    readonly credits: number;
    readonly balanced: boolean;
  }[];
  readonly checked_payments: number;
  readonly discrepancies: readonly LedgerDiscrepancyWire[];
}

export function reconcileReportToWire(r: ReconcileReport): ReconcileReportWire {
  return { object: 'reconcile_report', payments: { ...r.payments }, refunds: { ...r.refunds } };
}

export function ledgerReportToWire(r: LedgerReport): LedgerReportWire {
  return {
    object: 'ledger_report',
    ok: r.ok,
    currencies: r.currencies.map((c) => ({
      currency: c.currency,
      debits: c.debits,
      credits: c.credits,
      balanced: c.balanced,
    })),
    checked_payments: r.checkedPayments,
    discrepancies: r.discrepancies.map((d) => ({
      kind: d.kind,
      payment_id: d.paymentId,
      tenant_id: d.tenantId,
      provider_payment_id: d.providerPaymentId,
      currency: d.currency,
      ours: d.ours,
      theirs: d.theirs,
      detail: d.detail,
    })),
  };
}

/** `POST /admin/outbox/republish`: what was handed back to the relay. */
export interface OutboxRepublishWire {
  readonly object: 'outbox_republish';
  readonly from: string;
  readonly to: string;
  readonly republished: number;
}

export function republishToWire(r: RepublishReport): OutboxRepublishWire {
  return { object: 'outbox_republish', from: r.fromId, to: r.toId, republished: r.republished };
}
