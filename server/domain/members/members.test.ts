import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
let cashier: TestStaff;
let manager: TestStaff;

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  manager = await addStaff(store, owner, 'manager');
});
afterEach(() => store.close());

async function register(body: Record<string, unknown>, token = owner) {
  const reply = await call(store, 'POST', '/api/members', { token, body });
  if (reply.status !== 201) throw new Error(`register: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Row counts of the member tables: bad input must leave them as they were. */
async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of [
    'members',
    'member_changes',
    'points_lots',
    'points_movements',
    'stored_value_entries',
    'member_requests',
    'tier_changes',
    'coupons',
  ] as const) {
    const row = await store.ctx.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

describe('registering and finding members (API.md)', () => {
  it('registers a member with tier, points and stored value, and refuses the phone twice', async () => {
    const member = await register({
      phone: '13800138000',
      name: '王芳',
      birthday: '1990-05-12',
      gender: 'female',
    });
    expect(member).toMatchObject({
      phone: '13800138000',
      name: '王芳',
      tier: { code: 'normal', name: '普通' },
      points: 0,
      storedValue: 0,
      birthday: '1990-05-12',
    });
    expect(member.number).toBe(100001);
    expect(member.code).toMatch(/^\d{16}$/);
    const again = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '138 0013 8000', name: '另一个' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual({ 'body.phone': 'already registered' });
  });

  it('accepts + international numbers and a birthday without a year', async () => {
    const member = await register({ phone: '+44 7911 123456', name: 'Alice', birthday: '02-29' });
    expect(member.phone).toBe('+447911123456');
    expect(member.birthday).toBe('02-29');
    const mainland = await register({ phone: '+86 139 1234 5678', name: '李' });
    expect(mainland.phone).toBe('13912345678');
  });

  it('finds by full phone, last four digits, member code and name', async () => {
    const a = await register({ phone: '13800138000', name: '王芳' });
    await register({ phone: '13900008000', name: '王小明' });
    await register({ phone: '13700001234', name: '李雷' });
    const byPhone = await call(store, 'GET', '/api/members?phone=13800138000', { token: owner });
    expect(byPhone.body.items.map((m: { id: string }) => m.id)).toEqual([a.id]);
    const byLast4 = await call(store, 'GET', '/api/members?last4=8000', { token: cashier.token });
    expect(byLast4.body.items.map((m: { phone: string }) => m.phone)).toEqual(['138****8000', '139****8000']);
    const byCode = await call(store, 'GET', `/api/members?code=${a.code}`, { token: cashier.token });
    expect(byCode.body.items).toHaveLength(1);
    const byName = await call(store, 'GET', `/api/members?q=${encodeURIComponent('王')}`, {
      token: cashier.token,
    });
    expect(byName.body.items).toHaveLength(2);
    const byQ4 = await call(store, 'GET', '/api/members?q=1234', { token: cashier.token });
    expect(byQ4.body.items.map((m: { name: string }) => m.name)).toEqual(['李雷']);
    const one = await call(store, 'GET', `/api/members/${a.id}`, { token: cashier.token });
    expect(one.body).toMatchObject({ id: a.id, points: 0, storedValue: 0, tier: { code: 'normal' } });
  });

  it('masks phones and e-mail addresses for cashiers unless a manager approves, and audits the approval', async () => {
    const m = await register(
      { phone: '13800138000', name: '王芳', email: 'wangfang@example.com' },
      cashier.token,
    );
    expect(m).toMatchObject({ phone: '138****8000', email: 'w*******@example.com' });
    expect((await call(store, 'GET', `/api/members/${m.id}`, { token: manager.token })).body).toMatchObject({
      phone: '13800138000',
      email: 'wangfang@example.com',
    });
    expect((await call(store, 'GET', `/api/members/${m.id}`, { token: cashier.token })).body).toMatchObject({
      phone: '138****8000',
      phoneMasked: true,
      email: 'w*******@example.com',
    });
    const approved = await call(store, 'GET', `/api/members/${m.id}`, {
      token: cashier.token,
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': manager.pin },
    });
    expect(approved.body).toMatchObject({ phone: '13800138000', email: 'wangfang@example.com' });
    const wrongPin = await call(store, 'GET', `/api/members/${m.id}`, {
      token: cashier.token,
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': '0000' },
    });
    expect(wrongPin.status).toBe(401);
    const audit = await call(store, 'GET', '/api/audit?kind=member.phone_unmasked', { token: owner });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ staffId: cashier.id, approverId: manager.id });
    const logged = JSON.stringify(store.logLines);
    expect(logged).not.toContain('13800138000');
    expect(logged).not.toContain('wangfang@example.com');
  });

  it('keeps a change history per member', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    const changed = await call(store, 'PATCH', `/api/members/${m.id}`, {
      token: cashier.token,
      body: {
        name: '王芳芳',
        sizes: { top: 'M', bottom: '27', shoes: '37' },
        phone: '13800138001',
        email: 'fang@example.com',
      },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.sizes).toEqual({ top: 'M', bottom: '27', shoes: '37' });
    const history = await call(store, 'GET', `/api/members/${m.id}/history`, { token: cashier.token });
    expect(history.body.items[0].changes).toMatchObject({
      name: { from: '王芳', to: '王芳芳' },
      phone: { from: '138****8000', to: '138****8001' },
      email: { from: null, to: 'f***@example.com' },
    });
    const full = await call(store, 'GET', `/api/members/${m.id}/history`, { token: owner });
    expect(full.body.items[0].changes.email).toEqual({ from: null, to: 'fang@example.com' });
    const cleared = await call(store, 'PATCH', `/api/members/${m.id}`, {
      token: cashier.token,
      body: { email: null },
    });
    expect(cleared.body.email).toBeNull();
    expect(
      (await call(store, 'GET', `/api/members/${m.id}/history`, { token: owner })).body.items.map(
        (h: { kind: string }) => h.kind,
      ),
    ).toEqual(['updated', 'updated', 'created']);
  });
});

describe('bad input gets a clear error naming the field and changes nothing', () => {
  it.each([
    ['a malformed phone', { phone: '1380013800', name: '王芳' }, 'body.phone'],
    ['a landline without +', { phone: '02112345678', name: '王芳' }, 'body.phone'],
    ['birthday 02-30', { phone: '13800138000', name: '王芳', birthday: '1990-02-30' }, 'body.birthday'],
    ['birthday 13-01', { phone: '13800138000', name: '王芳', birthday: '13-01' }, 'body.birthday'],
    // The test clock's store day is 2026-11-24.
    ['a birthday tomorrow', { phone: '13800138000', name: '王芳', birthday: '2026-11-25' }, 'body.birthday'],
    ['an over-long name', { phone: '13800138000', name: '长'.repeat(41) }, 'body.name'],
    ['over-long notes', { phone: '13800138000', name: '王芳', notes: 'x'.repeat(501) }, 'body.notes'],
    ['a malformed e-mail address', { phone: '13800138000', name: '王芳', email: 'wang@' }, 'body.email'],
    [
      'an over-long e-mail address',
      { phone: '13800138000', name: '王芳', email: `${'w'.repeat(250)}@qq.com` },
      'body.email',
    ],
    ['an unknown field', { phone: '13800138000', name: '王芳', vip: true }, 'body.vip'],
  ])('%s', async (_case, body, field) => {
    const before = await counts();
    const reply = await call(store, 'POST', '/api/members', { token: cashier.token, body });
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.body.error.fields)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('a birthday in the future is refused on a change too; today is a birthday', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    const later = await call(store, 'PATCH', `/api/members/${m.id}`, {
      token: cashier.token,
      body: { birthday: '2099-01-01' },
    });
    expect(later.status).toBe(400);
    expect(Object.keys(later.body.error.fields)).toEqual(['body.birthday']);
    const today = await call(store, 'PATCH', `/api/members/${m.id}`, {
      token: cashier.token,
      body: { birthday: '2026-11-24' },
    });
    expect(today.status).toBe(200);
  });

  it('a negative, fractional or absurd top-up is refused and nothing moves', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    const before = await counts();
    for (const amount of [-100, 0, 10.5, 1e12]) {
      const reply = await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
        token: cashier.token,
        body: { id: `t-${amount}`, amount, method: 'cash' },
      });
      expect(reply.status, String(amount)).toBe(400);
      expect(Object.keys(reply.body.error.fields)).toEqual(['body.amount']);
    }
    expect(await counts()).toEqual(before);
    expect((await call(store, 'GET', `/api/members/${m.id}`, { token: owner })).body.storedValue).toBe(0);
  });

  it('removing more points than held is a 409 and nothing moves', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    await call(store, 'POST', `/api/members/${m.id}/points/adjustments`, {
      token: manager.token,
      body: { id: 'adj-1', delta: 100, reason: '补录积分' },
    });
    const before = await counts();
    const reply = await call(store, 'POST', `/api/members/${m.id}/points/adjustments`, {
      token: manager.token,
      body: { id: 'adj-2', delta: -101, reason: '扣除' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.error.fields).toEqual({ 'body.delta': 'only 100 points available' });
    expect(await counts()).toEqual(before);
  });
});

describe('stored value', () => {
  it('tops up with the bonus rules (充500送50, 充1000送150), idempotent by id', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    const body = { id: 'topup-1', amount: 50000, method: 'wechat' };
    const first = await call(store, 'POST', `/api/members/${m.id}/top-ups`, { token: cashier.token, body });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: 'topup-1', amount: 50000, bonus: 5000, storedValue: 55000 });
    const repeat = await call(store, 'POST', `/api/members/${m.id}/top-ups`, { token: cashier.token, body });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    const clash = await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: cashier.token,
      body: { ...body, amount: 60000 },
    });
    expect(clash.status).toBe(409);
    const big = await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: cashier.token,
      body: { id: 'topup-2', amount: 120000, method: 'cash' },
    });
    expect(big.body).toEqual({ id: 'topup-2', amount: 120000, bonus: 15000, storedValue: 190000 });
    const small = await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: cashier.token,
      body: { id: 'topup-3', amount: 49999, method: 'cash' },
    });
    expect(small.body.bonus).toBe(0);
    const ledger = await call(store, 'GET', `/api/members/${m.id}/ledger?kind=stored_value`, {
      token: cashier.token,
    });
    expect(ledger.body.items.map((i: object) => Object.keys(i).sort())).toEqual(
      Array(3).fill(['at', 'balance', 'delta', 'reason', 'ref']),
    );
    expect(ledger.body.items.map((i: { delta: number; balance: number }) => [i.delta, i.balance])).toEqual([
      [49999, 239999],
      [135000, 190000],
      [55000, 55000],
    ]);
    expect(ledger.body.items[2]).toMatchObject({ reason: 'topup', ref: 'topup:topup-1' });
  });

  it('spends principal first, then bonus', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: cashier.token,
      body: { id: 't1', amount: 50000, method: 'cash' },
    });
    const pay = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'p1', amount: 30000 },
    });
    expect(pay.body).toEqual({ id: 'p1', amount: 30000, principal: 30000, bonus: 0, storedValue: 25000 });
    const pay2 = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'p2', amount: 22000 },
    });
    expect(pay2.body).toEqual({ id: 'p2', amount: 22000, principal: 20000, bonus: 2000, storedValue: 3000 });
    const one = await call(store, 'GET', `/api/members/${m.id}`, { token: owner });
    expect(one.body).toMatchObject({ storedPrincipal: 0, storedBonus: 3000 });
  });

  it('never goes negative: of 20 payments at once that the balance covers 10 of, exactly 10 succeed', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 10000, method: 'cash' },
    });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
          token: cashier.token,
          body: { id: `pay-${i}`, amount: 1000 },
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    const after = await call(store, 'GET', `/api/members/${m.id}`, { token: owner });
    expect(after.body.storedValue).toBe(0);
    const check = await call(store, 'GET', '/api/loyalty/ledger-check', { token: owner });
    expect(check.body).toMatchObject({ ok: true, problemCount: 0 });
  });

  it('asks for the member PIN above the limit, and locks it after 5 wrong PINs', async () => {
    const m = await register({ phone: '13800138000', name: '王芳', pin: '2468' });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 100000, method: 'cash' },
    });
    const small = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'p-small', amount: 50000 },
    });
    expect(small.status).toBe(201);
    const noPin = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'p-big', amount: 50001 },
    });
    expect(noPin.status).toBe(422);
    expect(noPin.body.error.fields).toEqual({ pin: 'required' });
    const withPin = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'p-big', amount: 50001, pin: '2468' },
    });
    expect(withPin.status).toBe(201);
    for (let i = 1; i <= 4; i++) {
      const wrong = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
        token: cashier.token,
        body: { id: `w${i}`, amount: 100, pin: '1111' },
      });
      expect(wrong.status).toBe(422);
    }
    const fifth = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'w5', amount: 100, pin: '1111' },
    });
    expect(fifth.status).toBe(423);
    const right = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'w6', amount: 100, pin: '2468' },
    });
    expect(right.status).toBe(423);
    store.clock.advance(15 * 60_000);
    const later = await call(store, 'POST', `/api/members/${m.id}/stored-value/payments`, {
      token: cashier.token,
      body: { id: 'w7', amount: 100, pin: '2468' },
    });
    expect(later.status).toBe(201);
  });

  it('refunds unused principal by a manager (bonus lapses in proportion); a cashier needs approval', async () => {
    const m = await register({ phone: '13800138000', name: '王芳' });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 100000, method: 'cash' },
    });
    const body = { id: 'r1', amount: 50000, method: 'cash', reason: '顾客退卡' };
    const denied = await call(store, 'POST', `/api/members/${m.id}/stored-value/refunds`, {
      token: cashier.token,
      body,
    });
    expect(denied.status).toBe(403);
    const refund = await call(store, 'POST', `/api/members/${m.id}/stored-value/refunds`, {
      token: cashier.token,
      body,
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': manager.pin },
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toEqual({ id: 'r1', amount: 50000, bonusForfeited: 7500, storedValue: 57500 });
    const tooMuch = await call(store, 'POST', `/api/members/${m.id}/stored-value/refunds`, {
      token: manager.token,
      body: { ...body, id: 'r2', amount: 50001 },
    });
    expect(tooMuch.status).toBe(409);
    const liability = await call(store, 'GET', '/api/loyalty/stored-value/liability', {
      token: manager.token,
    });
    expect(liability.body).toMatchObject({ principal: 50000, bonus: 7500, total: 57500 });
    const before = await call(store, 'GET', `/api/loyalty/stored-value/liability?at=2026-11-24T09:00:00Z`, {
      token: manager.token,
    });
    expect(before.body.total).toBe(0);
  });
});

describe('merge and privacy', () => {
  it('merges two members: points with their expiry, stored value and coupons move, audited', async () => {
    const keep = await register({ phone: '13800138000', name: '王芳' });
    const dup = await register({ phone: '13900139000', name: '王芳', birthday: '05-12', tags: ['VIP'] });
    await call(store, 'POST', `/api/members/${dup.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 50000, method: 'cash' },
    });
    await call(store, 'POST', `/api/members/${dup.id}/points/adjustments`, {
      token: manager.token,
      body: { id: 'a1', delta: 300, reason: '迁移' },
    });
    await call(store, 'POST', `/api/members/${keep.id}/points/adjustments`, {
      token: manager.token,
      body: { id: 'a2', delta: 200, reason: '迁移' },
    });
    const merged = await call(store, 'POST', `/api/members/${keep.id}/merge`, {
      token: manager.token,
      body: { sourceId: dup.id },
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ points: 300, principal: 50000, bonus: 5000 });
    const target = (await call(store, 'GET', `/api/members/${keep.id}`, { token: owner })).body;
    expect(target).toMatchObject({
      points: 500,
      storedPrincipal: 50000,
      storedBonus: 5000,
      birthday: '05-12',
      tags: ['VIP'],
    });
    const source = (await call(store, 'GET', `/api/members/${dup.id}`, { token: owner })).body;
    expect(source).toMatchObject({
      status: 'merged',
      mergedInto: keep.id,
      phone: null,
      points: 0,
      storedValue: 0,
    });
    const again = await call(store, 'POST', `/api/members/${dup.id}/top-ups`, {
      token: owner,
      body: { id: 't2', amount: 100, method: 'cash' },
    });
    expect(again.status).toBe(422);
    expect((await call(store, 'GET', '/api/members?phone=13900139000', { token: owner })).body.items).toEqual(
      [],
    );
    const audit = await call(store, 'GET', '/api/audit?kind=member.merged', { token: owner });
    expect(audit.body.items).toHaveLength(1);
    expect((await call(store, 'GET', '/api/loyalty/ledger-check', { token: owner })).body.ok).toBe(true);
  });

  it('exports everything about a member, and erases one keeping an anonymous row for the books', async () => {
    const m = await register({
      phone: '13800138000',
      name: '王芳',
      birthday: '1990-05-12',
      notes: '喜欢红色',
    });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 10000, method: 'cash' },
    });
    const data = await call(store, 'GET', `/api/members/${m.id}/privacy-export`, { token: owner });
    expect(data.body.profile).toMatchObject({ phone: '13800138000', notes: '喜欢红色' });
    expect(data.body.storedValueEntries).toHaveLength(1);
    expect(data.body.changeHistory).toHaveLength(1);

    const owed = await call(store, 'POST', `/api/members/${m.id}/erase`, {
      token: owner,
      body: { reason: '本人要求' },
    });
    expect(owed.status).toBe(422);
    await call(store, 'POST', `/api/members/${m.id}/stored-value/refunds`, {
      token: owner,
      body: { id: 'r1', amount: 10000, method: 'cash', reason: '注销' },
    });
    const erased = await call(store, 'POST', `/api/members/${m.id}/erase`, {
      token: owner,
      body: { reason: '本人要求' },
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      status: 'erased',
      phone: null,
      name: '已注销会员',
      birthday: null,
      notes: '',
    });
    expect(erased.body.code).not.toBe(m.code);
    const after = await call(store, 'GET', `/api/members/${m.id}/privacy-export`, { token: owner });
    expect(JSON.stringify(after.body)).not.toContain('王芳');
    expect(JSON.stringify(after.body)).not.toContain('13800138000');
    expect(after.body.storedValueEntries).toHaveLength(2);
    expect((await call(store, 'GET', '/api/members?phone=13800138000', { token: owner })).body.items).toEqual(
      [],
    );
    expect((await register({ phone: '13800138000', name: '新会员' })).number).toBe(100002);
  });
});

describe('self-service at the lookup kiosk', () => {
  it('finds a member by code or phone + PIN, locks after 5 wrong PINs, and never lists members', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const m = await register({ phone: '13800138000', name: '王芳', pin: '2468' });
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 50000, method: 'cash' },
    });
    const byCode = await call(store, 'POST', '/api/self/lookup', {
      token: kiosk.token,
      body: { memberCode: m.code },
    });
    expect(byCode.status).toBe(200);
    expect(byCode.body).toMatchObject({
      name: '王*',
      phone: '138****8000',
      tier: { code: 'normal' },
      storedValue: 55000,
      points: 0,
      progress: { next: { code: 'silver', missing: { spend12m: 200000 } } },
    });
    expect((await call(store, 'GET', '/api/members?last4=8000', { token: kiosk.token })).status).toBe(403);
    expect((await call(store, 'GET', `/api/members/${m.id}`, { token: kiosk.token })).status).toBe(403);

    const ok = await call(store, 'POST', '/api/self/lookup', {
      token: kiosk.token,
      body: { phone: '13800138000', pin: '2468' },
    });
    expect(ok.status).toBe(200);
    for (let i = 1; i <= 4; i++) {
      const wrong = await call(store, 'POST', '/api/self/lookup', {
        token: kiosk.token,
        body: { phone: '13800138000', pin: '0000' },
      });
      expect(wrong.status).toBe(422);
    }
    const locked = await call(store, 'POST', '/api/self/lookup', {
      token: kiosk.token,
      body: { phone: '13800138000', pin: '0000' },
    });
    expect(locked.status).toBe(423);
    expect(locked.headers.get('retry-after')).toBe('900');
    const stillLocked = await call(store, 'POST', '/api/self/lookup', {
      token: kiosk.token,
      body: { phone: '13800138000', pin: '2468' },
    });
    expect(stillLocked.status).toBe(423);
    const unknown = await call(store, 'POST', '/api/self/lookup', {
      token: kiosk.token,
      body: { phone: '13900000000', pin: '2468' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toBe('Wrong member or PIN.');
  });

  it('signs a member up with consent, and refuses without accepting the terms', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const refused = await call(store, 'POST', '/api/self/sign-up', {
      token: kiosk.token,
      body: { phone: '13800138000', name: '王芳', acceptTerms: false },
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.error.fields)).toEqual(['body.acceptTerms']);
    const signed = await call(store, 'POST', '/api/self/sign-up', {
      token: kiosk.token,
      body: {
        phone: '13800138000',
        name: '王芳',
        pin: '2468',
        acceptTerms: true,
        consentMarketing: { sms: true, wechat: false },
      },
    });
    expect(signed.status).toBe(201);
    expect(signed.body.memberCode).toMatch(/^\d{16}$/);
    const found = (await call(store, 'GET', '/api/members?phone=13800138000', { token: owner })).body
      .items[0];
    expect(found.consents).toEqual({
      sms: { given: true, at: store.clock.now().toISOString() },
      wechat: { given: false, at: store.clock.now().toISOString() },
    });
    expect(found.registeredBy).toBeNull();
    expect(found.registeredDeviceId).toBe(kiosk.id);
  });
});

describe('import and export', () => {
  const upload = (csv: string | Buffer, dryRun: boolean) =>
    fetch(`${store.url}/api/members/import?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/csv' },
      body: typeof csv === 'string' ? csv : new Uint8Array(csv),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  const good = [
    '手机号,姓名,性别,生日,等级,积分,储值本金,赠送金额,标签,邮箱',
    '13800138001,王芳,女,1990-05-12,银卡,1200,500.50,50,VIP;老客,wangfang@example.com',
    '13800138002,李雷,男,,普通,0,0,0,,',
  ];

  it('reports every bad row in a dry run, refuses a real run with any, and changes nothing', async () => {
    await register({ phone: '13800138000', name: '已有' });
    const bad = [
      ...good,
      '1380013800,坏号码,女,,,,,,',
      '13800138000,重复库里,,,,,,,',
      '13800138001,文件里重复,,,,,,,',
      '13800138005,日期错,,1990-02-30,,,,,',
      '13800138006,等级错,,,白金,,,,',
      '13800138007,钱错,,,,-5,12.345,,',
      '13800138008,邮箱错,,,,,,,,wang@',
      '13800138009,未出生,,2030-01-01,,,,,',
    ].join('\n');
    const before = await counts();
    const dry = await upload(bad, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 10, valid: 2, imported: 0 });
    expect(dry.body.errors).toEqual([
      { line: 4, column: '手机号', reason: 'not a valid phone number' },
      { line: 5, column: '手机号', reason: 'already a member (138****8000)' },
      { line: 6, column: '手机号', reason: 'duplicate of line 2' },
      { line: 7, column: '生日', reason: 'not a date (YYYY-MM-DD or MM-DD)' },
      { line: 8, column: '等级', reason: 'unknown tier (one of 普通, 银卡, 金卡, 钻石)' },
      { line: 9, column: '积分', reason: 'not a whole number of points' },
      { line: 9, column: '储值本金', reason: 'not an amount in yuan (e.g. 100 or 99.50)' },
      { line: 10, column: '邮箱', reason: 'not a valid e-mail address' },
      { line: 11, column: '生日', reason: 'in the future' },
    ]);
    const real = await upload(bad, false);
    expect(real.status).toBe(422);
    expect(real.body.error.fields['rows.4.手机号']).toBe('not a valid phone number');
    expect(await counts()).toEqual(before);
  });

  it('imports all rows with opening points and stored value as ledger rows, and exports them again', async () => {
    const done = await upload(`\uFEFF${good.join('\r\n')}\r\n`, false);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ dryRun: false, rows: 2, valid: 2, errorCount: 0, imported: 2 });
    const [wang] = (await call(store, 'GET', '/api/members?phone=13800138001', { token: owner })).body.items;
    expect(wang).toMatchObject({
      name: '王芳',
      gender: 'female',
      birthday: '1990-05-12',
      tier: { code: 'silver' },
      points: 1200,
      storedPrincipal: 50050,
      storedBonus: 5000,
      tags: ['VIP', '老客'],
      email: 'wangfang@example.com',
    });
    const points = await call(store, 'GET', `/api/members/${wang.id}/ledger?kind=points`, { token: owner });
    expect(points.body.items).toEqual([
      expect.objectContaining({ delta: 1200, balance: 1200, reason: 'opening' }),
    ]);
    const value = await call(store, 'GET', `/api/members/${wang.id}/ledger?kind=stored_value`, {
      token: owner,
    });
    expect(value.body.items).toEqual([
      expect.objectContaining({ delta: 55050, balance: 55050, reason: 'opening' }),
    ]);
    expect((await call(store, 'GET', '/api/loyalty/ledger-check', { token: owner })).body.ok).toBe(true);

    const csv = await fetch(`${store.url}/api/members/export?format=csv`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    const raw = Buffer.from(await csv.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.subarray(3).toString('utf8');
    expect(text.split('\n')[0]).toBe(
      'number,phone,email,name,gender,birthday,tier,points,principal,bonus,tags,notes,createdAt',
    );
    expect(text).toContain(
      '13800138001,wangfang@example.com,王芳,female,1990-05-12,silver,1200,500.50,50.00,VIP;老客',
    );
    const xlsx = await fetch(`${store.url}/api/members/export?format=xlsx`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // The export reads back through the import: every phone is now taken.
    const again = await fetch(`${store.url}/api/members/import?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    }).then((r) => r.json());
    expect(again).toMatchObject({ rows: 2, valid: 0, errorCount: 2 });
  });

  it('refuses a JSON body and an over-large upload with a clean 400', async () => {
    const json = await call(store, 'POST', '/api/members/import', { token: owner, body: { phone: '1' } });
    expect(json.status).toBe(400);
    const huge = await upload(Buffer.alloc(33 * 1024 * 1024, 'a'), true);
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatchObject({
      code: 'payload_too_large',
      fields: { body: 'larger than 32 MB' },
    });
  });
});
