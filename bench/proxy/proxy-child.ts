/**
 * The proxy under test in the proxy bench, in its own process: `startProxy` in front of TARGET
 * (the reference server's Cloud mount), records counted rather than written, so that the bench
 * measures forwarding and checking, not a log file.
 * @module
 */
import { startProxy } from '../../src/proxy/index.js';
import type { CloseMessage, ListeningMessage } from '../server/messages.js';

let records = 0;
const proxy = await startProxy({ api: 'sambanova-cloud', target: process.env.TARGET!, port: 0, record: () => records++ });
const listening: ListeningMessage = { type: 'listening', url: proxy.url };
process.send!(listening);
const close = () =>
  void proxy.close().then((summary) => {
    // Valid traffic only: any record (a violation, a fault) means the run measured something else.
    if (summary.violations > 0 || Object.keys(summary.upstreamFaults).length > 0) process.stderr.write(`proxy bench: ${records} unexpected record(s): ${JSON.stringify(summary)}\n`);
    process.exit(0);
  });
process.on('message', (message: CloseMessage) => message.type === 'close' && close());
process.on('disconnect', close);
