// The content subgraph's CMS collections, each described once: table, order, lookup,
// editor input rules, list filters and how searchContent reads it. The shared
// resolvers in collection.ts turn these into the Query and Mutation root fields.
import type { BlogPost, Coa, Faq, Goal, HelpArticle, Peptide, ResearchPaper, Stack } from '../../generated/prisma/client';
import { badUserInput, parseId } from '../../shared/graphql/errors';
import { announceCatalogChange } from './clinical-rules';
import { defineCollection, likeText, visible, type AnyCollection, type Ctx, type ListArgs } from './collection';
import { ORDER } from './loaders';
import { f } from './validation';
import { contentData } from './data';

const bySlug = (field: string) => ({ field, arg: 'slug', column: 'slug' });
const byId = (field: string) => ({ field, arg: 'id', column: 'id', parse: (value: string) => parseId('id', value) });
const insensitive = (value: string) => ({ equals: value, mode: 'insensitive' as const });

/** A filter argument that is a short free-text value; blank means "no filter". */
function textArg(args: ListArgs, name: string, max = 100): string | undefined {
  const value = (args[name] as string | null | undefined)?.trim();
  if (value && value.length > max) throw badUserInput(name, `must be at most ${max} characters`);
  return value || undefined;
}

/** `peptideSlug` filter: the peptide's id, or null when no visible peptide has that slug. */
async function peptideIdFor(args: ListArgs, ctx: Ctx): Promise<string | null | undefined> {
  const slug = textArg(args, 'peptideSlug');
  if (!slug) return undefined;
  const peptide = await contentData(ctx.prisma).peptide.findUnique({ where: { slug } });
  if (!peptide || !visible(peptide, args.includeDrafts)) return null;
  ctx.loaders.peptide.prime(peptide.id, peptide);
  return peptide.id;
}

export const peptides = defineCollection<Peptide>({
  type: 'Peptide',
  list: 'peptides',
  delegate: (prisma) => prisma.peptide,
  orderBy: ORDER.peptide,
  lookup: bySlug('peptide'),
  unique: 'slug',
  input: {
    slug: f.slug(),
    name: f.text(120),
    summary: f.text(500),
    description: f.text(20_000),
    mechanism: f.text(5_000, { optional: true }),
    benefits: f.strings(20, 200),
    typicalDose: f.text(200, { optional: true }),
    halfLife: f.text(100, { optional: true }),
    imageId: f.ref('media', { optional: true }),
  },
  filter: (args) => {
    const search = textArg(args, 'search');
    if (!search) return {};
    const contains = { contains: likeText(search), mode: 'insensitive' as const };
    return { OR: [{ name: contains }, { slug: contains }, { summary: contains }, { description: contains }] };
  },
  search: { kind: 'PEPTIDE', title: 'name', fields: ['name', 'summary', 'description', 'mechanism'], slug: 'slug' },
  prime: (loaders, row) => loaders.peptide.prime(row.id, row),
  // Its name and its existence are part of the rules other domains cache: a change is announced.
  afterWrite: announceCatalogChange,
  // A peptide takes its certificates with it, leaves the curated lists that name it and
  // unlinks its products. Protocols (another subgraph) hold the id by value only.
  remove: (prisma, id) =>
    prisma.$transaction([
      prisma.coa.deleteMany({ where: { peptideId: id } }),
      prisma.product.updateMany({ where: { peptideId: id }, data: { peptideId: null } }),
      prisma.$executeRaw`UPDATE payload.stacks SET peptide_ids = array_remove(peptide_ids, ${id}::uuid) WHERE ${id}::uuid = ANY(peptide_ids)`,
      prisma.$executeRaw`UPDATE payload.goals SET peptide_ids = array_remove(peptide_ids, ${id}::uuid) WHERE ${id}::uuid = ANY(peptide_ids)`,
      prisma.$executeRaw`UPDATE payload.research_papers SET peptide_ids = array_remove(peptide_ids, ${id}::uuid) WHERE ${id}::uuid = ANY(peptide_ids)`,
      prisma.peptide.delete({ where: { id } }),
    ]),
});

export const stacks = defineCollection<Stack>({
  type: 'Stack',
  list: 'stacks',
  delegate: (prisma) => prisma.stack,
  orderBy: [{ name: 'asc' }, { id: 'asc' }],
  lookup: bySlug('stack'),
  unique: 'slug',
  input: {
    slug: f.slug(),
    name: f.text(120),
    description: f.text(5_000),
    peptideIds: f.refs('peptide', 20),
  },
  search: { kind: 'STACK', title: 'name', fields: ['name', 'description'], slug: 'slug' },
});

export const goals = defineCollection<Goal>({
  type: 'Goal',
  list: 'goals',
  delegate: (prisma) => prisma.goal,
  orderBy: [{ title: 'asc' }, { id: 'asc' }],
  lookup: bySlug('goal'),
  unique: 'slug',
  input: {
    slug: f.slug(),
    title: f.text(120),
    description: f.text(5_000),
    peptideIds: f.refs('peptide', 50),
  },
  search: { kind: 'GOAL', title: 'title', fields: ['title', 'description'], slug: 'slug' },
});

export const blogPosts = defineCollection<BlogPost>({
  type: 'BlogPost',
  list: 'blogPosts',
  delegate: (prisma) => prisma.blogPost,
  // Drafts never published have no publishedAt: they come last (PostgreSQL sorts nulls first in DESC).
  orderBy: [{ publishedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
  lookup: bySlug('blogPost'),
  unique: 'slug',
  input: {
    slug: f.slug(),
    title: f.text(200),
    excerpt: f.text(500),
    body: f.text(100_000),
    tags: f.strings(20, 50, { lowercase: true }),
    authorId: f.ref('user', { optional: true }),
  },
  filter: (args) => {
    const tag = textArg(args, 'tag', 50);
    return tag ? { tags: { has: tag.toLowerCase() } } : {};
  },
  search: { kind: 'BLOG_POST', title: 'title', fields: ['title', 'excerpt', 'body'], slug: 'slug' },
});

export const faqs = defineCollection<Faq>({
  type: 'Faq',
  list: 'faqs',
  delegate: (prisma) => prisma.faq,
  orderBy: [{ category: 'asc' }, { position: 'asc' }, { id: 'asc' }],
  lookup: byId('faq'),
  input: {
    question: f.text(300),
    answer: f.text(5_000),
    category: f.text(100),
    position: f.int(0, 10_000, { optional: true }),
  },
  filter: (args) => {
    const category = textArg(args, 'category');
    return category ? { category: insensitive(category) } : {};
  },
  search: { kind: 'FAQ', title: 'question', fields: ['question', 'answer'] },
});

export const helpArticles = defineCollection<HelpArticle>({
  type: 'HelpArticle',
  list: 'helpArticles',
  delegate: (prisma) => prisma.helpArticle,
  orderBy: [{ category: 'asc' }, { title: 'asc' }, { id: 'asc' }],
  lookup: bySlug('helpArticle'),
  unique: 'slug',
  input: {
    slug: f.slug(),
    title: f.text(200),
    body: f.text(100_000),
    category: f.text(100),
  },
  filter: (args) => {
    const category = textArg(args, 'category');
    return category ? { category: insensitive(category) } : {};
  },
  search: { kind: 'HELP_ARTICLE', title: 'title', fields: ['title', 'body'], slug: 'slug' },
});

export const coas = defineCollection<Coa>({
  type: 'Coa',
  list: 'coas',
  delegate: (prisma) => prisma.coa,
  orderBy: ORDER.coa,
  lookup: { field: 'coa', arg: 'batchNumber', column: 'batchNumber' },
  unique: 'batchNumber',
  input: {
    peptideId: f.ref('peptide'),
    batchNumber: f.text(100),
    labName: f.text(200),
    purityPercent: f.number(0, 100),
    testedAt: f.pastDay(),
    documentUrl: f.url({ optional: true }),
  },
  filter: async (args, ctx) => {
    const peptideId = await peptideIdFor(args, ctx);
    return peptideId === undefined ? {} : peptideId && { peptideId };
  },
});

export const researchPapers = defineCollection<ResearchPaper>({
  type: 'ResearchPaper',
  list: 'researchPapers',
  delegate: (prisma) => prisma.researchPaper,
  orderBy: ORDER.researchPaper,
  lookup: byId('researchPaper'),
  unique: 'doi',
  input: {
    title: f.text(500),
    authors: f.text(1_000),
    journal: f.text(300),
    year: f.int(1900, new Date().getUTCFullYear() + 1),
    doi: f.doi({ optional: true }),
    url: f.url({ optional: true }),
    abstract: f.text(20_000),
    peptideIds: f.refs('peptide', 50),
  },
  filter: async (args, ctx) => {
    const peptideId = await peptideIdFor(args, ctx);
    return peptideId === undefined ? {} : peptideId && { peptideIds: { has: peptideId } };
  },
  search: { kind: 'RESEARCH_PAPER', title: 'title', fields: ['title', 'abstract', 'authors', 'journal'] },
});

export const COLLECTIONS: readonly AnyCollection[] = [peptides, stacks, goals, blogPosts, faqs, helpArticles, coas, researchPapers];
