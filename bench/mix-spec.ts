// What bench/open-loop-mix.ts is given and prints: shared with bench/shedding-ramp.ts, which
// must not import the generator itself (it runs on import).
/** The shedder's classes (kit `priorities`), each driven by one request of the service. */
export const mixClasses = ['critical', 'write', 'read', 'bulk'] as const;
export type MixClass = (typeof mixClasses)[number];

/** What each class sends; shown in the report. */
export const mixRequests: Readonly<Record<MixClass, string>> = {
  critical: 'POST /v1/orders/{id}/payments (pm_card_visa, fresh Idempotency-Key, each pre-created order paid once)',
  write: 'POST /v1/orders (1 line, quantity 1, a random product)',
  read: 'GET /v1/products/{id} (a random product)',
  bulk: 'GET /v1/orders?limit=20',
};

export interface MixSpec {
  readonly baseUrl: string;
  readonly adminUrl: string;
  readonly token: string;
  readonly productIds: readonly string[];
  /** Order ids to pay, one a line; each is paid at most once. */
  readonly ordersFile: string;
  /** Relative weights by class. */
  readonly weights: Readonly<Record<MixClass, number>>;
  readonly serverPid: number;
  /** Processes whose CPU counts as the server core's work each second: the service and psp-sim. */
  readonly corePids: readonly number[];
  readonly load:
    | { readonly kind: 'closed'; readonly connections: number; readonly warmupS: number; readonly durationS: number }
    | {
        readonly kind: 'ramp';
        readonly fromRps: number;
        readonly toRps: number;
        readonly warmupS: number;
        readonly durationS: number;
      };
}

export interface ClassCounts {
  sent: number;
  ok: number;
  /** 503 `overloaded`: refused by the shedder. */
  shed: number;
  /** Any other status or a transport error, by status (or 'error'). */
  failed: Record<string, number>;
}

export interface SecondStats {
  /** Seconds since the measured window began (warm-up seconds are negative). */
  readonly t: number;
  /** Requests the schedule asked for in this second (open loop) or sent (closed loop). */
  offered: number;
  byClass: Record<MixClass, ClassCounts>;
  /** Latencies (ms, from send to the end of the response) of 2xx and of shed responses. */
  okMs: number[];
  shedMs: number[];
  rssMiB: number;
  /** CPU time (ms) the service and psp-sim used in this second, from /proc (both on the server core). */
  coreCpuMs: number;
  shedLevel: number;
  /** `load_shed_depth`: the continuous depth whose ceiling is the level. */
  shedDepth: number;
  shedPressure: number;
  /** Requests the shedder admitted and the service has not answered yet. */
  shedInFlight: number;
  /**
   * CPU time the hypervisor gave other guests in this second, summed over the host's cores
   * (`steal` of /proc/stat): every process here, the generator included, stalls meanwhile.
   */
  stealMs: number;
  /** This generator's own event-loop delay p99 (ms): its latencies are inflated by about as much. */
  clientLoopP99Ms: number;
}

export interface MixResult {
  readonly kind: 'closed' | 'ramp';
  readonly seconds: readonly (Omit<SecondStats, 'okMs' | 'shedMs'> & {
    readonly okP99Ms: number;
    readonly shedP99Ms: number;
  })[];
  /** Over every answer after the warm-up (the drain after the schedule included). */
  readonly shedLatencyMs: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly okLatencyMs: { readonly count: number; readonly p50: number; readonly p99: number };
  /** Payment requests not sent because the pre-created orders ran out. */
  readonly ordersExhausted: number;
  /** Largest lag of the open-loop schedule (ms): > a few ms means the generator itself fell behind. */
  readonly maxScheduleLagMs: number;
  /** Sockets the generator opened (it opens one whenever all are busy: never a client-side queue). */
  readonly socketsOpened: number;
}
