// The four subgraphs of The Guild's graphql-gateways-benchmark (accounts, inventory, products,
// reviews), in TypeScript with @apollo/subgraph: the same schemas, data and resolver behaviour as
// its Rust ones (federation-v1/subgraphs there), served over plain node:http with parsed documents
// cached, so they cost little beside the gateways measured. Any gateway reaches them unsigned: they
// are not this project's subgraphs. Also the composed supergraph file a gateway is given.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { composeSupergraph, readRoverConfig } from '../../gateway/compose';
import { IN_STOCK, PRODUCTS, REVIEWS, USERS, type Review } from './data';

export const GUILD_SUBGRAPHS = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type GuildSubgraph = (typeof GUILD_SUBGRAPHS)[number];
/** The benchmark's rover config (routing URLs on ports 4201…4204). */
export const GUILD_ROVER_CONFIG = path.join(__dirname, 'rover.yaml');

/** The benchmark's query (federation-v1/scenarios/k6.shared.js there). */
export const TEST_QUERY = `fragment User on User {
  id
  username
  name
}

fragment Review on Review {
  id
  body
}

fragment Product on Product {
  inStock
  name
  price
  shippingEstimate
  upc
  weight
}

query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }
  }
  topProducts {
    ...Product
    reviews {
      ...Review
      author {
        ...User
        reviews {
          ...Review
          product {
            ...Product
          }
        }
      }
    }
  }
}`;

export const testQueryBody = (): string => JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' });

/** What reviews.author and the reviews subgraph's User entity answer (its Rust code: always these two reviews). */
const authorReviews = (): Review[] => REVIEWS.slice(0, 2);

const resolvers: Record<GuildSubgraph, object> = {
  accounts: {
    Query: {
      me: () => USERS[0],
      user: (_: unknown, { id }: { id: string }) => USERS.find((user) => user.id === id) ?? null,
      users: () => USERS,
    },
    User: { __resolveReference: ({ id }: { id: string }) => USERS.find((user) => user.id === id) },
  },
  inventory: {
    Product: {
      __resolveReference: (reference: { upc: string; price?: number | null; weight?: number | null }) => ({ ...reference, inStock: IN_STOCK[reference.upc] }),
      // Free above 1000, else half the weight (integer division, as the Rust subgraph's i64).
      shippingEstimate: ({ price, weight }: { price?: number | null; weight?: number | null }) => (price == null ? null : price > 1000 ? 0 : weight == null ? null : Math.trunc(weight / 2)),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first?: number | null }) => PRODUCTS.slice(0, first ?? 5) },
    Product: { __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc) },
  },
  reviews: {
    Review: {
      __resolveReference: ({ id }: { id: string }) => REVIEWS.find((review) => review.id === id),
      author: () => ({ id: '1', username: 'urigo', reviews: authorReviews() }),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user', reviews: authorReviews() }),
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
      reviews: ({ upc }: { upc: string }) => REVIEWS.filter((review) => review.product.upc === upc),
    },
  },
};

function schemaOf(name: GuildSubgraph): GraphQLSchema {
  const typeDefs = parse(readFileSync(path.join(__dirname, 'schemas', `${name}.graphql`), 'utf8'));
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers[name] as never }]);
}

/** One subgraph over node:http: POST /graphql with a JSON body, documents parsed and validated once. */
function serve(schema: GraphQLSchema): http.Server {
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return answer(404, { errors: [{ message: 'POST /graphql' }] });
      try {
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown>; operationName?: string };
        let document = documents.get(query);
        if (!document) {
          const parsed = parse(query);
          const errors = validate(schema, parsed);
          document = errors.length ? errors : parsed;
          documents.set(query, document);
        }
        if (Array.isArray(document)) return answer(400, { errors: document.map((error) => ({ message: error.message })) });
        answer(200, await execute({ schema, document: document as DocumentNode, variableValues: variables, operationName }));
      } catch (error) {
        answer(400, { errors: [{ message: (error as Error).message }] });
      }
    });
  });
}

export interface GuildSubgraphs {
  urls: Record<GuildSubgraph, string>;
  close(): Promise<void>;
}

/** Starts the four subgraphs on ports portBase+1…+4 (0: any free ports). */
export async function startGuildSubgraphs(portBase = 0, host = '127.0.0.1'): Promise<GuildSubgraphs> {
  const servers: http.Server[] = [];
  const urls = {} as Record<GuildSubgraph, string>;
  for (const [i, name] of GUILD_SUBGRAPHS.entries()) {
    const server = serve(schemaOf(name));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(portBase ? portBase + i + 1 : 0, host, resolve));
    servers.push(server);
    urls[name] = `http://${host}:${(server.address() as AddressInfo).port}/graphql`;
  }
  return {
    urls,
    async close() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

/** Composes the benchmark's supergraph with the given routing URLs and writes it to `file`. */
export function writeGuildSupergraph(file: string, urls: Record<GuildSubgraph, string>): string {
  const sdl = composeSupergraph(readRoverConfig(GUILD_ROVER_CONFIG).map((subgraph) => ({ ...subgraph, routingUrl: urls[subgraph.name as GuildSubgraph] })));
  writeFileSync(file, sdl);
  return sdl;
}
