/**
 * `npm run demo`: fills an empty shop with demo data — staff, a season's styles in colours
 * and sizes with stock, members with stored value and coupons, two promotions — and lists
 * virtual hardware for the bridge, so a newcomer can sell, print (to a file) and look around
 * without any hardware. Everything goes through the HTTP API, as a real shop's would.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { boot } from '../server/boot.js';
import { loadConfig } from '../server/config/load.js';
import type { Config } from '../server/config/schema.js';
import { createLogger } from '../server/logging.js';
import { serve } from '../server/server.js';

const OWNER_PASSWORD = process.env.HANGER_OWNER_PASSWORD ?? 'owner-demo-1';

const STAFF = [
  { username: 'wang', name: '王经理', role: 'manager', password: 'manager-demo-1', pin: '2468' },
  { username: 'mei', name: '小美', role: 'cashier', password: 'cashier-demo-1', pin: '1357' },
];

const STYLES = [
  {
    styleCode: 'W2601',
    name: '法式碎花连衣裙',
    category: '女装/连衣裙',
    price: 39900,
    tagPrice: 59900,
    colors: ['碎花蓝', '碎花粉'],
    sizes: ['S', 'M', 'L'],
  },
  {
    styleCode: 'W2602',
    name: '羊毛混纺大衣',
    category: '女装/外套',
    price: 89900,
    tagPrice: 129900,
    colors: ['驼色', '黑色'],
    sizes: ['S', 'M', 'L', 'XL'],
  },
  {
    styleCode: 'W2603',
    name: '高腰阔腿裤',
    category: '女装/裤装',
    price: 25900,
    colors: ['黑色', '米白'],
    sizes: ['25', '26', '27', '28', '29'],
  },
  {
    styleCode: 'W2604',
    name: '针织开衫',
    category: '女装/针织',
    price: 19900,
    colors: ['燕麦', '雾蓝', '酒红'],
    sizes: ['S', 'M', 'L'],
  },
  {
    styleCode: 'M2601',
    name: '纯棉牛津纺衬衫',
    category: '男装/衬衫',
    price: 19900,
    colors: ['白色', '浅蓝'],
    sizes: ['M', 'L', 'XL', 'XXL'],
  },
  {
    styleCode: 'M2602',
    name: '修身直筒牛仔裤',
    category: '男装/裤装',
    price: 29900,
    colors: ['深蓝'],
    sizes: ['29', '30', '31', '32', '33', '34'],
  },
  {
    styleCode: 'M2603',
    name: '轻薄羽绒服',
    category: '男装/外套',
    price: 59900,
    tagPrice: 79900,
    colors: ['黑色', '藏青'],
    sizes: ['M', 'L', 'XL'],
  },
  {
    styleCode: 'K2601',
    name: '儿童卫衣',
    category: '童装',
    price: 12900,
    colors: ['黄色', '灰色'],
    sizes: ['100', '110', '120', '130'],
  },
  {
    styleCode: 'A2601',
    name: '羊绒围巾',
    category: '配饰',
    price: 15900,
    colors: ['驼色', '灰色'],
    sizes: ['均码'],
    specialPrice: true,
  },
];

const MEMBERS = [
  { phone: '13800138001', name: '李娜', birthday: '1990-11-08', topUp: 100000 },
  { phone: '13800138002', name: '张伟', birthday: '05-20', topUp: 50000 },
  { phone: '13800138003', name: '王芳', birthday: '1988-02-14', topUp: 0 },
  { phone: '13800138004', name: '刘洋', topUp: 0 },
  { phone: '13800138005', name: '陈静', birthday: '1995-12-01', topUp: 30000 },
  { phone: '13900139006', name: '赵敏', topUp: 0 },
];

const VIRTUAL_DEVICES: Config['bridge']['devices'] = [
  { id: 'printer-1', kind: 'printer', transport: { type: 'virtual' }, paperWidth: 80 },
  { id: 'drawer-1', kind: 'drawer', via: 'printer-1' },
  { id: 'pole-1', kind: 'display', transport: { type: 'virtual' } },
  { id: 'scanner-1', kind: 'scanner', transport: { type: 'virtual' } },
];

const dataDir = resolve(process.env.HANGER_DATA ?? './data');

async function listVirtualHardware(): Promise<boolean> {
  const { file, config } = await loadConfig(dataDir, {});
  if (config.bridge.devices.length > 0) return false;
  const low = new Low<Config>(new JSONFile<Config>(file), config);
  await low.read();
  // The file as written, not as loaded: a config.json without a bridge section is valid.
  low.data.bridge = { ...low.data.bridge, devices: VIRTUAL_DEVICES };
  await low.write();
  return true;
}

/** The demo takes WeChat and Alipay codes through the provider simulator, unless config.json says otherwise. */
async function usePaymentSimulator(): Promise<boolean> {
  const { file, config } = await loadConfig(dataDir, {});
  const low = new Low<Config>(new JSONFile<Config>(file), config);
  await low.read();
  if (Object.hasOwn(low.data, 'payments')) return false;
  low.data.payments = { ...config.payments, provider: 'simulator' };
  await low.write();
  return true;
}

async function main(): Promise<void> {
  const hardware = await listVirtualHardware();
  const simulated = await usePaymentSimulator();
  const log = createLogger(undefined, 'warn');
  const { ctx } = await boot({
    dataDir,
    log,
    env: { ...process.env, HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
  });
  const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  try {
    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(running.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const login = await api('POST', '/api/auth/login', { username: 'owner', password: OWNER_PASSWORD }).catch(
      () => {
        throw new Error(
          'The owner password is not the demo one: set HANGER_OWNER_PASSWORD to the owner password of this shop.',
        );
      },
    );
    const owner = login.token as string;
    const existing = (await api('GET', '/api/products?limit=1', undefined, owner)).items as unknown[];
    if (existing.length > 0) {
      console.log(`The shop in ${dataDir} already has goods; the demo only fills an empty shop.`);
      return;
    }

    for (const member of STAFF) await api('POST', '/api/staff', member, owner);

    let skus = 0;
    for (const [index, style] of STYLES.entries()) {
      const created = await api(
        'POST',
        '/api/products',
        { ...style, cost: Math.round(style.price * 0.4) },
        owner,
      );
      const lines = (created.skus as { id: string }[]).map((sku, n) => ({
        skuId: sku.id,
        qty: 2 + ((index + n) % 7),
      }));
      skus += lines.length;
      await api('POST', '/api/stock/receipts', { lines, supplier: '杭州织造', note: '2026 秋冬到货' }, owner);
    }

    await api(
      'POST',
      '/api/promotions',
      { kind: 'spend_save', label: '满300减50', steps: [{ threshold: 30000, off: 5000 }], priority: 200 },
      owner,
    );
    await api(
      'POST',
      '/api/promotions',
      { kind: 'nth_item', label: '第二件半价', n: 2, offBp: 5000, priority: 100 },
      owner,
    );

    const template = await api(
      'POST',
      '/api/coupon-templates',
      { name: '满200减20', kind: 'amount', value: 2000, minSpend: 20000, validDays: 60 },
      owner,
    );
    const memberIds: string[] = [];
    for (const { topUp, ...member } of MEMBERS) {
      const created = await api('POST', '/api/members', { ...member, consentMarketing: true }, owner);
      memberIds.push(created.id as string);
      if (topUp > 0) {
        await api(
          'POST',
          `/api/members/${created.id}/top-ups`,
          { id: randomUUID(), amount: topUp, method: 'wechat' },
          owner,
        );
      }
    }
    await api('POST', '/api/coupons/issue', { templateId: template.id, memberIds }, owner);

    console.log(`Demo shop ready in ${dataDir}:
  ${STYLES.length} styles (${skus} SKUs) in stock, ${MEMBERS.length} members (some with stored value and a 满200减20 coupon),
  promotions 满300减50 and 第二件半价.
  Sign in:  owner / ${OWNER_PASSWORD} (admin page)   wang / manager-demo-1, PIN 2468   mei / cashier-demo-1, PIN 1357
  ${simulated ? 'Mobile payment goes to the provider simulator (config.json payments.provider); a code ending in 1 pays at once, 2 after the customer confirms, 4 is refused.' : 'The payments section of config.json was left as it was.'}
  ${hardware ? `Virtual hardware listed for the bridge: a printer writing to ${dataDir}/virtual/printer-1.bin(.txt), its drawer, a pole display, a scanner on stdin.` : 'The bridge devices in config.json were left as they were.'}
  Next: npm start, open http://localhost:${ctx.config.port}/checkout and pair it on /admin; npm run bridge for the virtual printer.`);
  } finally {
    await running.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
