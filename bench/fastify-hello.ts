// Baseline A: the ceiling. A bare Fastify hello-world, run by bench/run.ts as a pinned child.
// Usage: node bench/fastify-hello.ts <port>
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: fastify-hello.ts <port>\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port });

const shutdown = () => {
  void app.close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
