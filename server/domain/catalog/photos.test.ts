import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice, type Reply, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { MAX_PHOTOS, PHOTO_LIMIT_BYTES } from './photos.js';

let store: TestStore;
let owner: string;
let manager: TestStaff;
let cashier: TestStaff;
let kiosk: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  manager = await addStaff(store, owner, 'manager');
  cashier = await addStaff(store, owner, 'cashier');
  kiosk = (await pairDevice(store, owner, 'lookup')).token;
});
afterAll(() => store.close());

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(64, 1),
]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x24, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32, 2),
]);

let codeCounter = 0;
async function newStyle(): Promise<string> {
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: `PH${String(++codeCounter).padStart(3, '0')}`,
      name: '羊毛大衣',
      price: 59900,
      colors: ['驼'],
      sizes: ['M'],
    },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.id as string;
}

/** Sends bytes as the raw body, as the admin page does. */
async function upload(styleId: string, bytes: Buffer, type: string, token = manager.token): Promise<Reply> {
  const response = await fetch(`${store.url}/api/products/${styleId}/photos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function fetchBytes(path: string, token: string) {
  const response = await fetch(store.url + path, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Sends a path exactly as written (fetch would normalise `..` away). */
function rawRequest(method: string, path: string, token: string): Promise<number> {
  const url = new URL(store.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const photoDir = (styleId: string) => join(store.dataDir, 'photos', styleId);
const filesOf = (styleId: string) => (existsSync(photoDir(styleId)) ? readdirSync(photoDir(styleId)) : []);
const auditKinds = async (styleId: string) =>
  (
    await store.ctx.storage.db
      .selectFrom('audit_log')
      .select('kind')
      .where('subject_id', '=', styleId)
      .orderBy('id')
      .execute()
  ).map((row) => row.kind);

describe('style photos', () => {
  it('stores an upload under the data folder, lists it on the style and serves it to catalogue readers', async () => {
    const styleId = await newStyle();
    const reply = await upload(styleId, PNG, 'image/png');
    expect(reply.status).toBe(201);
    const [photo] = reply.body.photos;
    expect(photo).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      contentType: 'image/png',
      bytes: PNG.length,
      url: `/api/products/${styleId}/photos/${photo.id}`,
    });
    expect(filesOf(styleId)).toEqual([`${photo.id}.png`]);
    expect(readFileSync(join(photoDir(styleId), `${photo.id}.png`)).equals(PNG)).toBe(true);

    const style = await call(store, 'GET', `/api/products/${styleId}`, { token: cashier.token });
    expect(style.body.photos).toEqual([photo]);

    for (const token of [cashier.token, kiosk, owner]) {
      const served = await fetchBytes(photo.url, token);
      expect(served.status).toBe(200);
      expect(served.type).toBe('image/png');
      expect(served.bytes.equals(PNG)).toBe(true);
    }
    expect(await auditKinds(styleId)).toContain('catalog.photo_added');
  });

  it('takes JPEG and WebP, reorders (the first is the cover) and deletes, audited', async () => {
    const styleId = await newStyle();
    const a = (await upload(styleId, JPEG, 'image/jpeg')).body.photos[0];
    const b = (await upload(styleId, WEBP, 'image/webp; charset=binary')).body.photos[1];
    const c = (await upload(styleId, PNG, 'image/png', owner)).body.photos[2];
    expect([a.contentType, b.contentType, c.contentType]).toEqual(['image/jpeg', 'image/webp', 'image/png']);
    expect(filesOf(styleId).sort()).toEqual([`${a.id}.jpg`, `${b.id}.webp`, `${c.id}.png`].sort());

    const reordered = await call(store, 'PUT', `/api/products/${styleId}/photos/order`, {
      token: manager.token,
      body: { photoIds: [c.id, a.id, b.id] },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.photos.map((p: { id: string }) => p.id)).toEqual([c.id, a.id, b.id]);
    const style = await call(store, 'GET', `/api/products/${styleId}`, { token: kiosk });
    expect(style.body.photos[0].id).toBe(c.id);

    for (const photoIds of [
      [c.id, a.id],
      [c.id, a.id, a.id],
      [c.id, a.id, '0192f3c4-0000-7000-8000-000000000000'],
    ]) {
      const bad = await call(store, 'PUT', `/api/products/${styleId}/photos/order`, {
        token: manager.token,
        body: { photoIds },
      });
      expect(bad.status, JSON.stringify(photoIds)).toBe(400);
    }

    expect(
      (await call(store, 'DELETE', `/api/products/${styleId}/photos/${a.id}`, { token: cashier.token }))
        .status,
    ).toBe(403);
    const deleted = await call(store, 'DELETE', `/api/products/${styleId}/photos/${a.id}`, {
      token: manager.token,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.photos.map((p: { id: string }) => p.id)).toEqual([c.id, b.id]);
    expect(filesOf(styleId).sort()).toEqual([`${b.id}.webp`, `${c.id}.png`].sort());
    expect((await fetchBytes(`/api/products/${styleId}/photos/${a.id}`, owner)).status).toBe(404);
    expect(
      (await call(store, 'DELETE', `/api/products/${styleId}/photos/${a.id}`, { token: manager.token }))
        .status,
    ).toBe(404);
    expect(await auditKinds(styleId)).toEqual(
      expect.arrayContaining(['catalog.photo_added', 'catalog.photos_reordered', 'catalog.photo_deleted']),
    );
  });

  it('refuses a file that is not an image, or not the declared kind, and keeps nothing', async () => {
    const styleId = await newStyle();
    const before = await auditKinds(styleId);
    const cases: [Buffer, string, string][] = [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png', 'body'],
      [Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/jpeg', 'body'],
      [PNG, 'image/jpeg', 'Content-Type'],
      [PNG, 'image/svg+xml', 'Content-Type'],
      [PNG, 'application/octet-stream', 'Content-Type'],
      [Buffer.alloc(0), 'image/png', 'body'],
    ];
    for (const [bytes, type, field] of cases) {
      const reply = await upload(styleId, bytes, type);
      expect(reply.status, type).toBe(400);
      expect(Object.keys(reply.body.error.fields), type).toContain(field);
    }
    const json = await call(store, 'POST', `/api/products/${styleId}/photos`, {
      token: manager.token,
      body: { photo: 'x' },
    });
    expect(json.status).toBe(400);
    expect(filesOf(styleId)).toEqual([]);
    expect(await auditKinds(styleId)).toEqual(before);
    expect((await call(store, 'GET', `/api/products/${styleId}`, { token: owner })).body.photos).toEqual([]);
  });

  it('refuses a photo over the limit with a 400 and writes nothing', async () => {
    const styleId = await newStyle();
    const big = Buffer.concat([PNG, Buffer.alloc(PHOTO_LIMIT_BYTES + 1 - PNG.length + 1)]);
    const reply = await upload(styleId, big, 'image/png');
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('payload_too_large');
    expect(filesOf(styleId)).toEqual([]);
    // Exactly at the limit is fine.
    const atLimit = Buffer.concat([JPEG, Buffer.alloc(PHOTO_LIMIT_BYTES - JPEG.length)]);
    expect((await upload(styleId, atLimit, 'image/jpeg')).status).toBe(201);
  });

  it('refuses a photo for an unknown style, and more than the maximum per style', async () => {
    const unknown = await upload('0192f3c4-0000-7000-8000-000000000000', PNG, 'image/png');
    expect(unknown.status).toBe(404);
    expect(existsSync(photoDir('0192f3c4-0000-7000-8000-000000000000'))).toBe(false);
    const styleId = await newStyle();
    for (let i = 0; i < MAX_PHOTOS; i++) expect((await upload(styleId, PNG, 'image/png')).status).toBe(201);
    const over = await upload(styleId, PNG, 'image/png');
    expect(over.status).toBe(422);
    expect(filesOf(styleId)).toHaveLength(MAX_PHOTOS);
  });

  it('never lets a path from a request leave the photo folder', async () => {
    const styleId = await newStyle();
    const photo = (await upload(styleId, PNG, 'image/png')).body.photos[0];
    const sentinel = join(store.dataDir, 'sentinel.txt');
    writeFileSync(sentinel, 'keep me');
    const config = readFileSync(join(store.dataDir, 'config.json'));

    const attempts = [
      `/api/products/${styleId}/photos/..%2F..%2Fconfig.json`,
      `/api/products/${styleId}/photos/..%2F..%2Fsentinel.txt`,
      `/api/products/${styleId}/photos/${photo.id}%2F..%2F..%2F..%2Fsentinel.txt`,
      `/api/products/..%2F..%2Fsentinel.txt/photos/${photo.id}`,
      `/api/products/..%2F${styleId}/photos/${photo.id}`,
      `/api/products/${styleId}/photos/%2e%2e%5c%2e%2e%5cconfig.json`,
      `/api/products/${styleId}/photos/${photo.id}.png`,
    ];
    for (const path of attempts) {
      for (const method of ['GET', 'DELETE']) {
        const status = await rawRequest(method, path, owner);
        expect([400, 404], `${method} ${path}`).toContain(status);
      }
    }
    for (const path of [
      `/api/products/${styleId}/photos/../../../sentinel.txt`,
      `/api/products/../../sentinel.txt/photos/${photo.id}`,
    ]) {
      expect([400, 404], path).toContain(await rawRequest('GET', path, owner));
      expect([400, 404], path).toContain(await rawRequest('DELETE', path, owner));
    }
    const traversalUpload = await upload('..%2F..%2Fevil', PNG, 'image/png');
    expect(traversalUpload.status).toBe(400);

    expect(readFileSync(sentinel, 'utf8')).toBe('keep me');
    expect(readFileSync(join(store.dataDir, 'config.json')).equals(config)).toBe(true);
    expect(existsSync(join(store.dataDir, 'evil'))).toBe(false);
    expect(readdirSync(join(store.dataDir, 'photos')).every((name) => /^[0-9a-f-]{36}$/.test(name))).toBe(
      true,
    );
    expect(filesOf(styleId)).toEqual([`${photo.id}.png`]);
    expect((await fetchBytes(photo.url, owner)).status).toBe(200);
  });
});
