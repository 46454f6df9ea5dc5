import { createServer } from 'node:http';

/**
 * The baseline for the storm: a bare node:http server with the same listen backlog as Fulcrum that answers
 * every request with a small JSON body once the request has been read: what any Node server pays per new
 * connection (accept, socket, parser, reply, close), with nothing of Fulcrum's.
 */
const reply = JSON.stringify({ pool: 'default', items: [{ sku: 'STORM-1', ats: 1000 }] });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(reply) }).end(reply));
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const address = server.address();
  console.log(`bare: listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
