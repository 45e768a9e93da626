import { describe, expect, it } from 'vitest';
import { toApiError } from '../errors.js';
import { AnswerTimeoutError, fromDatabase, isConnectionLost } from './faults.js';

const fault = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('what a PostgreSQL fault tells the till', () => {
  it('a connection lost mid-request: 503, may or may not be saved, retry with the same id', () => {
    for (const error of [
      fromDatabase(fault('57P01', 'terminating connection due to administrator command')),
      fromDatabase(fault('ECONNRESET')),
      fromDatabase(new Error('Connection terminated unexpectedly')),
      new AnswerTimeoutError('PostgreSQL did not answer within 40 s'),
    ]) {
      const api = toApiError(error);
      expect(api.status).toBe(503);
      expect(api.code).toBe('storage_unavailable');
      expect(api.headers?.['Retry-After']).toBeTruthy();
      expect(api.message).toMatch(/may or may not have been saved.*same request/);
      expect(isConnectionLost(error)).toBe(true);
    }
  });

  it('a database that cannot be reached or held a lock too long: 503, nothing was saved', () => {
    for (const error of [
      fromDatabase(fault('ECONNREFUSED')),
      fromDatabase(fault('57P03')),
      fromDatabase(fault('55P03')),
    ]) {
      const api = toApiError(error);
      expect(api.status).toBe(503);
      expect(api.message).toMatch(/nothing was saved/);
      expect(isConnectionLost(error)).toBe(false);
    }
  });

  it("another service's network error (a payment provider's ECONNRESET) is not the database's", () => {
    expect(toApiError(fault('ECONNRESET')).status).toBe(500);
  });
});
