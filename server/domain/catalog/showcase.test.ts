import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

/**
 * The shop's pictures on the customer display: the owner marks photos "show on the customer
 * display"; the display lists them (active styles only) and fetches each image with its own
 * token, which reads no other photo of the catalogue.
 */
let store: TestStore;
let owner: string;
let display: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  const till = await pairDevice(store, owner, 'checkout');
  display = (await pairDevice(store, owner, 'display', till.id)).token;
});
afterAll(() => store.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function styleWithPhotos(code: string, photos: number): Promise<{ id: string; photoIds: string[] }> {
  const style = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: code, name: `连衣裙${code}`, price: 39900, colors: ['红'], sizes: ['M'] },
  });
  expect(style.status).toBe(201);
  const photoIds: string[] = [];
  for (let i = 0; i < photos; i++) {
    const response = await fetch(`${store.url}/api/products/${style.body.id}/photos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'image/png' },
      body: new Uint8Array(PNG),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { photos: { id: string }[] };
    photoIds.push(body.photos.at(-1)?.id ?? '');
  }
  return { id: style.body.id, photoIds };
}

describe('the showcase', () => {
  it('lists only photos marked for the display, of styles on sale, and serves those to the display', async () => {
    const dress = await styleWithPhotos('SC001', 2);
    const coat = await styleWithPhotos('SC002', 1);
    expect((await call(store, 'GET', '/api/showcase', { token: display })).body).toEqual({ items: [] });

    const marked = await call(store, 'PATCH', `/api/products/${dress.id}/photos/${dress.photoIds[1]}`, {
      token: owner,
      body: { showcase: true },
    });
    expect(marked.status).toBe(200);
    expect(marked.body.photos.map((p: { showcase: boolean }) => p.showcase)).toEqual([false, true]);
    await call(store, 'PATCH', `/api/products/${coat.id}/photos/${coat.photoIds[0]}`, {
      token: owner,
      body: { showcase: true },
    });

    const list = await call(store, 'GET', '/api/showcase', { token: display });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { photoId: string }) => item.photoId).sort()).toEqual(
      [dress.photoIds[1], coat.photoIds[0]].sort(),
    );
    const picture = list.body.items.find((item: { photoId: string }) => item.photoId === dress.photoIds[1]);
    expect(picture).toMatchObject({ styleCode: 'SC001', name: '连衣裙SC001', price: 39900 });

    const image = await fetch(store.url + picture.url, { headers: { authorization: `Bearer ${display}` } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);

    // A photo not marked is not the display's to see, through either route.
    const other = await call(store, 'GET', `/api/showcase/${dress.id}/${dress.photoIds[0]}`, {
      token: display,
    });
    expect(other.status).toBe(404);
    const catalogue = await call(store, 'GET', `/api/products/${dress.id}/photos/${dress.photoIds[0]}`, {
      token: display,
    });
    expect(catalogue.status).toBe(403);

    // A style taken off sale leaves the showcase.
    await call(store, 'PATCH', `/api/products/${coat.id}`, { token: owner, body: { active: false } });
    const after = await call(store, 'GET', '/api/showcase', { token: display });
    expect(after.body.items.map((item: { photoId: string }) => item.photoId)).toEqual([dress.photoIds[1]]);
    expect(
      (await call(store, 'GET', `/api/showcase/${coat.id}/${coat.photoIds[0]}`, { token: display })).status,
    ).toBe(404);

    // Every change is audited.
    const audit = await call(store, 'GET', '/api/audit?kind=catalog.photo_showcased', { token: owner });
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items[0].detail).toMatchObject({ showcase: true });
  });

  it('refuses a body that is not {showcase: boolean}, changing nothing', async () => {
    const style = await styleWithPhotos('SC003', 1);
    const bad = await call(store, 'PATCH', `/api/products/${style.id}/photos/${style.photoIds[0]}`, {
      token: owner,
      body: { showcase: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('body.showcase');
    const read = await call(store, 'GET', `/api/products/${style.id}`, { token: owner });
    expect(read.body.photos[0].showcase).toBe(false);
  });
});
