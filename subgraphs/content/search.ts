// searchContent: one case-insensitive "contains" across the published collections that
// declare a `search` description, run side by side. Each collection is read in three tiers
// (title starts with the query, title contains it, only the text does), each limited to
// `first`, so a collection with many text matches cannot push its title matches out.
import { badUserInput } from '../../shared/graphql/errors';
import { pageSize } from '../../shared/graphql/pagination';
import { CONTENT_KINDS, PUBLISHED, likeText, type AnyCollection, type ContentKind, type Ctx } from './collection';

export interface ContentSearchHit {
  kind: ContentKind;
  id: string;
  title: string;
  snippet: string;
  slug: string | null;
}

const SNIPPET_LENGTH = 160;

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, start: number): string {
  const end = Math.min(text.length, start + SNIPPET_LENGTH);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

/** The passage around the first match in a non-title field, else the opening of the first non-empty one. */
export function snippetOf(row: Record<string, unknown>, fields: readonly string[], title: string, query: string): string {
  const needle = query.toLowerCase();
  const texts = fields.filter((name) => name !== title).map((name) => flatten(String(row[name] ?? '')));
  for (const text of texts) {
    const at = text.toLowerCase().indexOf(needle);
    if (at >= 0) return clip(text, Math.max(0, at - 40));
  }
  return clip(texts.find(Boolean) ?? '', 0);
}

/** Title matches first (titles starting with the query before the rest), then by kind, then each collection's own order. */
function rank(hit: ContentSearchHit, query: string): number {
  const title = hit.title.toLowerCase();
  const titleRank = title.startsWith(query) ? 0 : title.includes(query) ? 1 : 2;
  return titleRank * CONTENT_KINDS.length + CONTENT_KINDS.indexOf(hit.kind);
}

export async function searchContent(collections: readonly AnyCollection[], args: { query: string; first?: number | null }, ctx: Ctx) {
  const query = args.query.trim();
  if (query.length < 2 || query.length > 200) throw badUserInput('query', 'must be 2 to 200 characters');
  const first = pageSize(args.first, 10);
  const needle = query.toLowerCase();
  const searched = collections.filter((c) => c.search);
  const groups = await Promise.all(
    searched.map(async (c) => {
      const { kind, title, fields, slug } = c.search!;
      const contains = { contains: likeText(query), mode: 'insensitive' as const };
      const startsWith = { startsWith: likeText(query), mode: 'insensitive' as const };
      const select = Object.fromEntries(['id', ...fields, ...(slug ? [slug] : [])].map((name) => [name, true]));
      const tiers = [
        { [title]: startsWith },
        { [title]: contains, NOT: { [title]: startsWith } },
        { NOT: { [title]: contains }, OR: fields.filter((name) => name !== title).map((name) => ({ [name]: contains })) },
      ];
      const rows = (
        await Promise.all(
          tiers.map((tier) => c.delegate(ctx.prisma).findMany({ where: { ...PUBLISHED, ...tier }, orderBy: c.orderBy, select, take: first })),
        )
      ).flat() as Record<string, unknown>[];
      return rows.map(
        (row): ContentSearchHit => ({
          kind,
          id: row.id as string,
          title: row[title] as string,
          snippet: snippetOf(row, fields, title, needle),
          slug: slug ? (row[slug] as string) : null,
        }),
      );
    }),
  );
  const hits = groups.flat();
  const order = new Map(hits.map((hit, i) => [hit, i]));
  return hits.sort((a, b) => rank(a, needle) - rank(b, needle) || order.get(a)! - order.get(b)!).slice(0, first);
}
