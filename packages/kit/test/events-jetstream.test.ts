import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createJetStreamBus } from '../src/events/index.ts';
import { eventBusContract } from './support/event-bus-contract.ts';

// The EventBus contract against the real NATS JetStream server (KEELSON_TEST_NATS_URL). Each
// test gets its own stream `<NS>` on subjects `<ns>.>`, deleted afterwards.

const url = process.env.KEELSON_TEST_NATS_URL || undefined;
if (url === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_NATS_URL is not set');
}

eventBusContract({
  transport: 'jetstream',
  skip: url === undefined ? 'KEELSON_TEST_NATS_URL is not set' : false,
  publishDeduplication: true,
  brokerUrl: url,
  open: (ns, via) =>
    createJetStreamBus({
      url: via ?? url ?? '',
      stream: ns.toUpperCase(),
      subjectPrefix: ns,
      // Short waits so a test sees a stop or a reconnection quickly; production keeps the defaults.
      fetchWaitMs: 1_000,
      reconnectWaitMs: 200,
    }),
  async destroy(ns) {
    const nc = await connect({ servers: url ?? '' });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(ns.toUpperCase()).catch(() => false);
    } finally {
      await nc.close();
    }
  },
});
