import { Socket } from 'node:net';
import { type Channel, type Connector, DeviceError, Inbox } from './channel.js';

/** A network printer on port 9100 (raw TCP), one connection per job. */
export class TcpConnector implements Connector {
  readonly description: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly connectTimeoutMs = 3000,
  ) {
    this.description = `tcp ${host}:${port}`;
  }

  open(): Promise<Channel> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const inbox = new Inbox();
      let failure: Error | null = null;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new DeviceError(
            `${this.description} did not accept a connection within ${this.connectTimeoutMs} ms`,
          ),
        );
      }, this.connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DeviceError(`${this.description}: ${describeSocketError(error)}`));
      });
      socket.on('data', (chunk) => inbox.push(chunk));
      socket.connect(this.port, this.host, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', (error) => {
          failure = error;
        });
        socket.setNoDelay(true);
        resolve({
          write: (bytes) =>
            new Promise<void>((done, fail) => {
              if (failure || socket.destroyed) {
                fail(new DeviceError(`${this.description}: connection lost`));
                return;
              }
              socket.write(bytes, (error) =>
                error ? fail(new DeviceError(`${this.description}: ${error.message}`)) : done(),
              );
            }),
          read: (timeoutMs) => inbox.read(timeoutMs),
          close: () =>
            new Promise<void>((done) => {
              if (socket.destroyed) return done();
              const force = setTimeout(() => socket.destroy(), 2000);
              socket.once('close', () => {
                clearTimeout(force);
                done();
              });
              socket.end();
            }),
        });
      });
    });
  }
}

function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused — is the printer on, and is this its address?';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable — check the network cable and the printer address';
    case 'ENOTFOUND':
      return 'unknown host name';
    default:
      return error.message;
  }
}
