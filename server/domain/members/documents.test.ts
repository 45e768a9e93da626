import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

/** The terms and the privacy policy: the owner publishes versions, anyone reads the one in force. */
let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

describe('member documents', () => {
  it('publishes versions by time, audited, the newest read without a token', async () => {
    const none = await call(store, 'GET', '/api/member-documents/terms');
    expect(none.body).toEqual({ kind: 'terms', text: '', publishedAt: null });
    const first = await call(store, 'PUT', '/api/member-documents/terms', {
      token: owner,
      body: { text: '第一版条款' },
    });
    expect(first.status).toBe(200);
    store.clock.advance(60_000);
    expect(
      (
        await call(store, 'PUT', '/api/member-documents/terms', {
          token: owner,
          body: { text: '第二版条款' },
        })
      ).status,
    ).toBe(200);
    const now = await call(store, 'GET', '/api/member-documents/terms');
    expect(now.body.text).toBe('第二版条款');
    const versions = await call(store, 'GET', '/api/member-documents/terms/versions', { token: owner });
    expect(versions.body.items.map((v: { text: string }) => v.text)).toEqual(['第二版条款', '第一版条款']);
    expect((await call(store, 'GET', '/api/member-documents/privacy')).body.text).toBe('');
    const audit = await call(store, 'GET', '/api/audit?kind=member.document_published', { token: owner });
    expect(audit.body.items).toHaveLength(2);
    // No token, no change; an unknown kind is refused.
    expect((await call(store, 'PUT', '/api/member-documents/terms', { body: { text: 'x' } })).status).toBe(
      401,
    );
    expect((await call(store, 'GET', '/api/member-documents/rules')).status).toBe(400);
  });
});
