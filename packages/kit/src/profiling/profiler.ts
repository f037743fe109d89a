import { encode, heap, time } from '@datadog/pprof';
import { AppError } from '../errors/index.ts';

/** Bounds of an on-demand CPU profile, in seconds. */
export const cpuProfileSeconds = { min: 1, max: 60, default: 30 } as const;

export interface ProfilerOptions {
  /**
   * Average bytes allocated between two heap samples. V8's sampling heap profiler costs little
   * at 512 KiB (the default, as Go's runtime samples every 512 KiB); smaller is finer and dearer.
   */
  readonly heapSampleBytes?: number;
  /** Frames kept per heap sample. Default 64. */
  readonly heapStackDepth?: number;
}

/** On-demand profiles in pprof format (gzipped protobuf), readable by `go tool pprof` and speedscope. */
export interface Profiler {
  /**
   * Samples the CPU for `seconds` (or until `signal` fires, e.g. the client went away) and
   * returns the profile. One at a time: a second request meanwhile is `409 profile_in_progress`.
   */
  cpu(seconds: number, signal: AbortSignal): Promise<Buffer>;
  /** The live heap as sampled since start-up (allocations still reachable). */
  heap(): Promise<Buffer>;
  /** Lets go of heap sampling (stopped with the process's last profiler); idempotent. */
  stop(): void;
}

// V8's sampling heap profiler and its CPU profiler are one per process, whatever holds them: two
// services in one process (tests) share the heap sampling, started by the first profiler and
// stopped by the last; a CPU profile while another profiler takes one is refused the same way.
let heapHolders = 0;
let cpuRunning = false;

function startHeapSampling(sampleBytes: number, stackDepth: number): void {
  if (heapHolders === 0) heap.start(sampleBytes, stackDepth);
  heapHolders += 1;
}

function stopHeapSampling(): void {
  heapHolders -= 1;
  if (heapHolders === 0) heap.stop();
}

/**
 * Starts heap sampling now (so `heap()` has history) and profiles the CPU on demand, through
 * `@datadog/pprof`'s prebuilt addon.
 *
 * @example
 * ```ts
 * import { createProfiler } from '@keelson/kit/profiling';
 * const profiler = createProfiler();
 * const cpu: Buffer = await profiler.cpu(1, AbortSignal.timeout(5_000));
 * profiler.stop();
 * ```
 */
export function createProfiler(options: ProfilerOptions = {}): Profiler {
  startHeapSampling(options.heapSampleBytes ?? 512 * 1024, options.heapStackDepth ?? 64);
  let stopped = false;

  return {
    async cpu(seconds, signal) {
      if (cpuRunning) {
        throw new AppError('conflict', 'profile_in_progress', 'A CPU profile is being taken; try again when it ends.');
      }
      cpuRunning = true;
      try {
        time.start({ intervalMicros: 1_000 });
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, seconds * 1_000);
          if (signal.aborted) done();
          else signal.addEventListener('abort', done, { once: true });
        });
        return await encode(time.stop());
      } finally {
        cpuRunning = false;
      }
    },
    async heap() {
      return encode(heap.profile());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // A CPU profile in progress ends on its own: by its timer, or when its client goes away.
      stopHeapSampling();
    },
  };
}
