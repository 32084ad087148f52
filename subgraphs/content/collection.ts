// One CMS collection (peptides, stacks, goals, ...) described once as data, and the
// resolvers every collection shares built from that description: the published-only
// list with cursor pagination, the single lookup, and the editor mutations
// (create, update, delete, publish, unpublish).
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import type { ContentStatus } from '../../generated/prisma/client';
import type { Prisma } from '../../shared/db/database';
import { badUserInput, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromQuery, pageSize, type Connection, type PageArgs } from '../../shared/graphql/pagination';
import { wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import type { ContentLoaders } from './loaders';
import { validateInput, type FieldSpec } from './validation';

export type Ctx = SubgraphContext<ContentLoaders>;

/** What every collection row has. */
export interface ContentRow {
  id: string;
  status: ContentStatus;
  publishedAt: Date | null;
}

/** The part of a Prisma model delegate the shared resolvers use. */
export interface Delegate<R> {
  findMany(args: { where?: object; orderBy?: object[]; take?: number; skip?: number; cursor?: { id: string }; select?: object }): Promise<R[]>;
  findUnique(args: { where: object }): Promise<R | null>;
  count(args: { where?: object }): Promise<number>;
  create(args: { data: object }): Promise<R>;
  update(args: { where: { id: string }; data: object }): Promise<R>;
  delete(args: { where: { id: string } }): Promise<R>;
}

export const CONTENT_KINDS = ['PEPTIDE', 'STACK', 'GOAL', 'BLOG_POST', 'FAQ', 'HELP_ARTICLE', 'RESEARCH_PAPER'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export interface ListArgs extends PageArgs {
  includeDrafts?: boolean | null;
  [filter: string]: unknown;
}

export interface Collection<R extends ContentRow> {
  /** GraphQL type name; mutations are named create<type>, update<type>, ... */
  type: string;
  /** Root list field (a connection). */
  list: string;
  delegate(prisma: Prisma): Delegate<R>;
  /** Must end with the id (a total order) for cursor pagination. */
  orderBy: object[];
  /** Root field returning one row, e.g. `peptide(slug)`: `column` is a unique column. */
  lookup?: { field: string; arg: string; column: string; parse?: (value: string) => string };
  /** Editor input fields and their rules (create and update inputs share them). */
  input: FieldSpec;
  /** The input field behind the table's unique constraint besides the id, if any (slug, batch number, DOI). */
  unique?: string;
  /** Prisma `where` for a list's own filter arguments; null means "nothing can match". */
  filter?(args: ListArgs, ctx: Ctx): Promise<object | null> | object | null;
  /** How `searchContent` looks into this collection: text columns, the title one first. */
  search?: { kind: ContentKind; title: string & keyof R; fields: (string & keyof R)[]; slug?: string & keyof R };
  /** Seeds the request's loaders with rows a list already fetched. */
  prime?(loaders: ContentLoaders, row: R): void;
  /** Deletes a row and whatever points at it; the default deletes the row alone. */
  remove?(prisma: Prisma, id: string): Promise<unknown>;
  /** After any editor write has committed (e.g. announcing that cached copies are stale). */
  afterWrite?(ctx: Ctx): Promise<void>;
}

/** A collection of any row type, for the registry that holds them side by side. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCollection = Collection<any>;

/** Keeps each collection's row type while the registry holds them side by side. */
export function defineCollection<R extends ContentRow>(collection: Collection<R>): Collection<R> {
  return collection;
}

export const PUBLISHED = { status: 'PUBLISHED' as const };

/**
 * A case-insensitive match on the literal text. Prisma hands `contains`/`startsWith` to SQL
 * LIKE as they are, so `%`, `_` and `\` in a client's text are escaped (backslash is
 * PostgreSQL's default LIKE escape); otherwise "%%" would match every row.
 */
export function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Drafts are hidden unless asked for. RBAC (a later issue) limits includeDrafts to admin and staff. */
export function visible(row: ContentRow, includeDrafts: boolean | null | undefined): boolean {
  return row.status === 'PUBLISHED' || includeDrafts === true;
}

function emptyConnection<T>(args: PageArgs): Connection<T> {
  pageSize(args.first);
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
}

async function list<R extends ContentRow>(c: Collection<R>, args: ListArgs, ctx: Ctx, info: GraphQLResolveInfo) {
  const own = c.filter ? await c.filter(args, ctx) : {};
  if (own === null) return emptyConnection<R>(args);
  const where = { ...(args.includeDrafts ? {} : PUBLISHED), ...own };
  const delegate = c.delegate(ctx.prisma);
  const connection = await connectionFromQuery(
    (window) => delegate.findMany({ where, orderBy: c.orderBy, ...window }),
    wantsField(info, 'totalCount') ? () => delegate.count({ where }) : null,
    args,
  );
  if (c.prime) for (const edge of connection.edges) c.prime(ctx.loaders, edge.node);
  return connection;
}

async function findOne<R extends ContentRow>(c: Collection<R>, args: Record<string, unknown>, ctx: Ctx): Promise<R> {
  const lookup = c.lookup!;
  const raw = String(args[lookup.arg]).trim();
  const key = lookup.parse ? lookup.parse(raw) : raw;
  const row = await c.delegate(ctx.prisma).findUnique({ where: { [lookup.column]: key } });
  if (!row || !visible(row, args.includeDrafts as boolean | undefined)) throw notFound(c.type, raw);
  c.prime?.(ctx.loaders, row);
  return row;
}

/** Prisma's "record to update/delete does not exist" becomes a NOT_FOUND that names the record. */
async function orNotFound<T>(type: string, id: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === 'P2025') throw notFound(type, id);
    throw error;
  }
}

/**
 * A unique-constraint violation becomes a BAD_USER_INPUT naming the input field. Prisma
 * reports it as P2002 through adapter-pg; through the PGlite adapter it keeps
 * PostgreSQL's own code, 23505.
 */
async function uniqueAsBadInput<R extends ContentRow, T>(c: Collection<R>, data: Record<string, unknown>, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if ((code === 'P2002' || code === '23505') && c.unique && data[c.unique] !== undefined) {
      throw badUserInput(`input.${c.unique}`, `"${data[c.unique]}" is already used by another ${c.type}`);
    }
    throw error;
  }
}

async function existing<R extends ContentRow>(c: Collection<R>, ctx: Ctx, id: string): Promise<R> {
  const row = await c.delegate(ctx.prisma).findUnique({ where: { id } });
  if (!row) throw notFound(c.type, id);
  return row;
}

function mutations<R extends ContentRow>(c: Collection<R>) {
  type IdArgs = { id: string };
  const written = async <T>(ctx: Ctx, work: Promise<T>): Promise<T> => {
    const result = await work;
    await c.afterWrite?.(ctx);
    return result;
  };
  return {
    [`create${c.type}`]: async (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) => {
      const data = await validateInput(c.input, args.input, 'create', ctx.loaders);
      return written(ctx, uniqueAsBadInput(c, data, c.delegate(ctx.prisma).create({ data })));
    },
    [`update${c.type}`]: async (_: unknown, args: IdArgs & { input: Record<string, unknown> }, ctx: Ctx) => {
      const id = parseId('id', args.id);
      const data = await validateInput(c.input, args.input, 'update', ctx.loaders);
      return written(ctx, uniqueAsBadInput(c, data, orNotFound(c.type, id, c.delegate(ctx.prisma).update({ where: { id }, data }))));
    },
    [`delete${c.type}`]: async (_: unknown, args: IdArgs, ctx: Ctx) => {
      const id = parseId('id', args.id);
      await existing(c, ctx, id);
      await written(ctx, orNotFound(c.type, id, c.remove ? c.remove(ctx.prisma, id) : c.delegate(ctx.prisma).delete({ where: { id } })));
      return id;
    },
    // publishedAt records the first publication; publishing again after an unpublish keeps it.
    [`publish${c.type}`]: async (_: unknown, args: IdArgs, ctx: Ctx) => {
      const id = parseId('id', args.id);
      const row = await existing(c, ctx, id);
      if (row.status === 'PUBLISHED') return row;
      const data = { status: 'PUBLISHED', publishedAt: row.publishedAt ?? new Date() };
      return written(ctx, orNotFound(c.type, id, c.delegate(ctx.prisma).update({ where: { id }, data })));
    },
    [`unpublish${c.type}`]: async (_: unknown, args: IdArgs, ctx: Ctx) => {
      const id = parseId('id', args.id);
      return written(ctx, orNotFound(c.type, id, c.delegate(ctx.prisma).update({ where: { id }, data: { status: 'DRAFT' } })));
    },
  };
}

type Resolver = GraphQLFieldResolver<unknown, Ctx>;

/** The Query and Mutation root fields of every collection. */
export function collectionResolvers(collections: readonly AnyCollection[]) {
  const Query: Record<string, Resolver> = {};
  const Mutation: Record<string, Resolver> = {};
  for (const c of collections) {
    Query[c.list] = (_: unknown, args: ListArgs, ctx: Ctx, info: GraphQLResolveInfo) => list(c, args, ctx, info);
    if (c.lookup) Query[c.lookup.field] = (_: unknown, args: Record<string, unknown>, ctx: Ctx) => findOne(c, args, ctx);
    Object.assign(Mutation, mutations(c));
  }
  return { Query, Mutation };
}
