// The gateway serves any composed supergraph named by SUPERGRAPH_PATH, not only this project's:
// The Guild's gateway-benchmark graph (bench/guild: accounts, inventory, products, reviews,
// started here in-process), with none of our subgraphs behind it, answers the benchmark's nested
// TestQuery through the gateway as `npm start` launches it (bin/launch.ts, gateway only).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, type Launched } from '../bin/launch';
import { loadConfig } from '../shared/config';
import { startGuildSubgraphs, testQueryBody, writeGuildSupergraph, type GuildSubgraphs } from '../bench/guild/subgraphs';
import { freePort } from './support/stack';

interface User {
  id: string;
  username: string;
  name: string;
  reviews: Review[];
}
interface Review {
  id: string;
  body: string;
  author?: User;
  product?: Product;
}
interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
  inStock: boolean;
  shippingEstimate: number;
  reviews?: Review[];
}

let dir: string;
let subgraphs: GuildSubgraphs;
let launched: Launched;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'loop-any-supergraph-'));
  subgraphs = await startGuildSubgraphs();
  const supergraphPath = path.join(dir, 'guild-supergraph.graphql');
  writeGuildSupergraph(supergraphPath, subgraphs.urls);
  const port = await freePort();
  // The operation limits still apply: the TestQuery's nesting of lists costs more than an anonymous caller's default.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), DATA_DIR: dir, SUPERGRAPH_PATH: supergraphPath, LIMIT_COST_ANONYMOUS: '1000000' });
  launched = await launch(config, ['gateway']);
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await launched?.stop();
  await subgraphs?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (body: string) => {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { data?: { users: User[]; topProducts: Product[] }; errors?: unknown[] } };
};

describe('a supergraph given by SUPERGRAPH_PATH', () => {
  it('answers the gateway benchmark’s TestQuery across its four subgraphs', async () => {
    const { status, body } = await post(testQueryBody());
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const { users, topProducts } = body.data!;
    // accounts' users, each with the reviews subgraph's reviews (its Rust code gives every user the first two).
    expect(users.map((user) => user.username)).toEqual(['urigo', 'dotansimha', 'kamilkisiela', 'ardatan', 'gilgardosh', 'laurin']);
    expect(users[2].reviews.map((review) => review.id)).toEqual(['1', '2']);
    // products' fields, inventory's stock, and its shipping estimate @requires price and weight from products.
    const table = users[0].reviews[0].product!;
    expect(table).toMatchObject({ upc: '1', name: 'Table', price: 899, weight: 100, inStock: true, shippingEstimate: 50 });
    expect(topProducts.map((product) => [product.name, product.shippingEstimate])).toEqual([['Table', 50], ['Couch', 0], ['Glass', 10], ['Chair', 50], ['TV', 0]]);
    // reviews' author @provides its username; its name comes from accounts.
    const author = topProducts[1].reviews![0].author!;
    expect(author).toMatchObject({ id: '1', username: 'urigo', name: 'Uri Goldshtein' });
    expect(author.reviews[1].product).toMatchObject({ upc: '1', inStock: true, shippingEstimate: 50 });
    expect(topProducts[3].reviews!.map((review) => review.id)).toEqual(['10', '11']);
  });

  it('reports the benchmark’s subgraphs, not this project’s, as what it is ready with', async () => {
    const response = await fetch(`${url}/readyz`);
    const text = await response.text();
    expect(response.status).toBe(200);
    for (const name of ['accounts', 'inventory', 'products', 'reviews']) expect(text).toContain(name);
    expect(text).not.toContain('patient');
  });
});
