import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer } from 'ws';
import { httpClient, JsonSocket } from './clients.js';
import { startHanger } from './hanger.js';
import type { Benchmark } from './harness.js';

/** A bare node:http server on a free port; `handle` answers every request. */
async function listen(server: Server): Promise<string> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function warnIfReconnected(name: string, fresh: number): void {
  if (fresh > 1)
    process.stderr.write(`warning: ${name} opened ${fresh} connections; keep-alive did not hold\n`);
}

/** An authenticated Express request through Hanger vs. node:http answering the same bytes. */
export const httpRoundtrip: Benchmark = {
  name: 'roundtrip/http',
  summary:
    'sequential keep-alive GET, one at a time: Hanger GET /api/auth/me (request log, token lookup, permission, JSON) vs. bare node:http with the same body',
  goal: {
    maxRatio: 2,
    text: 'authenticated Express round trip within 2× the bare node:http floor at the median',
  },
  async setup() {
    const hanger = await startHanger();
    const auth = { authorization: `Bearer ${hanger.token}` };
    const hangerClient = httpClient(`${hanger.url}/api/auth/me`, auth);
    const body = await hangerClient.get();
    if (!(JSON.parse(body) as { principal?: { kind?: string } }).principal?.kind) {
      throw new Error(`GET /api/auth/me answered an unexpected body: ${body}`);
    }
    // The floor answers with exactly the bytes Hanger sends, so only the work differs.
    const floor = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
    const floorClient = httpClient(`http://${await listen(floor)}/api/auth/me`, auth);
    // For context: Express 5 itself, one route and no middleware, answering the same JSON.
    const principal: unknown = JSON.parse(body);
    const bareExpress = express();
    bareExpress.set('etag', false);
    bareExpress.get('/api/auth/me', (_req, res) => {
      res.json(principal);
    });
    const expressServer = createServer(bareExpress);
    const expressClient = httpClient(`http://${await listen(expressServer)}/api/auth/me`, auth);
    return {
      cases: [
        { name: 'node:http floor', run: () => floorClient.get().then(() => undefined) },
        {
          name: 'bare Express 5 (reference)',
          run: () => expressClient.get().then(() => undefined),
          reference: true,
        },
        { name: 'hanger GET /api/auth/me', run: () => hangerClient.get().then(() => undefined) },
      ],
      async close() {
        warnIfReconnected('node:http floor client', floorClient.freshConnections);
        warnIfReconnected('hanger client', hangerClient.freshConnections);
        floorClient.close();
        expressClient.close();
        hangerClient.close();
        await shut(floor);
        await shut(expressServer);
        await hanger.close();
      },
    };
  },
};

interface Result {
  id?: unknown;
  type?: unknown;
  success?: unknown;
  result?: unknown;
}

/** Sends `{id, type}` and waits for its successful result. */
function requester(socket: JsonSocket, type: string): () => Promise<Result> {
  let id = 0;
  return async () => {
    id++;
    socket.send({ id, type });
    const answer = (await socket.next()) as Result;
    if (answer.id !== id || answer.type !== 'result' || answer.success !== true) {
      throw new Error(`${type} #${id} answered ${JSON.stringify(answer)}`);
    }
    return answer;
  };
}

/** A request/result round trip on Hanger's /ws vs. a bare `ws` server answering the same JSON. */
export const wsRoundtrip: Benchmark = {
  name: 'roundtrip/ws',
  summary:
    "request/result on an authenticated socket: Hanger /ws 'session/info' (envelope check, token lookup, permission) vs. a bare ws server answering the same JSON",
  async setup() {
    const hanger = await startHanger();
    const hangerSocket = await JsonSocket.open(`${hanger.url.replace('http', 'ws')}/ws`);
    const hello = (await hangerSocket.next()) as { type?: string };
    if (hello.type !== 'hello') throw new Error(`expected hello, got ${JSON.stringify(hello)}`);
    hangerSocket.send({ type: 'auth', token: hanger.token });
    const authOk = (await hangerSocket.next()) as { type?: string };
    if (authOk.type !== 'auth_ok') throw new Error(`expected auth_ok, got ${JSON.stringify(authOk)}`);
    const sessionInfo = requester(hangerSocket, 'session/info');
    const { result } = await sessionInfo();

    // The floor parses each request and answers a result of the same shape and size.
    const floorHttp = createServer();
    const floorWss = new WebSocketServer({ server: floorHttp, path: '/ws', maxPayload: 64 * 1024 });
    floorWss.on('connection', (socket) => {
      socket.on('message', (data) => {
        const { id } = JSON.parse(data.toString()) as { id: number };
        socket.send(JSON.stringify({ id, type: 'result', success: true, result }));
      });
    });
    const floorSocket = await JsonSocket.open(`ws://${await listen(floorHttp)}/ws`);
    const floorRequest = requester(floorSocket, 'session/info');
    return {
      cases: [
        { name: 'ws floor', run: () => floorRequest().then(() => undefined) },
        { name: "hanger /ws 'session/info'", run: () => sessionInfo().then(() => undefined) },
      ],
      async close() {
        await Promise.all([floorSocket.close(), hangerSocket.close()]);
        await new Promise<void>((resolve) => floorWss.close(() => resolve()));
        await shut(floorHttp);
        await hanger.close();
      },
    };
  },
};
