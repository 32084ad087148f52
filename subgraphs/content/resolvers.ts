import type { BlogPost, Coa, Peptide, Product } from '../../generated/prisma/client';
import { isUuid } from '../../shared/graphql/errors';
import { collectionResolvers, visible, type Ctx } from './collection';
import { clinicalRuleResolvers } from './clinical-rules';
import { COLLECTIONS } from './collections';
import { searchContent } from './search';
import { announcingChanges } from './announce';

type DraftArgs = { includeDrafts?: boolean | null };

/** Peptides by id through the loader (one statement for every parent in the tick), in the given order. */
async function peptidesByIds(ids: readonly string[], args: DraftArgs, ctx: Ctx): Promise<Peptide[]> {
  const rows = await ctx.loaders.peptide.loadMany(ids);
  return rows.filter((row): row is Peptide => row != null && !(row instanceof Error) && visible(row, args.includeDrafts));
}

async function peptideById(id: string | null, args: DraftArgs, ctx: Ctx): Promise<Peptide | null> {
  const row = id ? await ctx.loaders.peptide.load(id) : null;
  return row && visible(row, args.includeDrafts) ? row : null;
}

const generated = collectionResolvers(COLLECTIONS);
const withPeptides = {
  peptides: (parent: { peptideIds: string[] }, args: DraftArgs, ctx: Ctx) => peptidesByIds(parent.peptideIds, args, ctx),
};

export const resolvers = {
  Query: {
    ...generated.Query,
    searchContent: (_: unknown, args: { query: string; first?: number | null }, ctx: Ctx) => searchContent(COLLECTIONS, args, ctx),
    ...clinicalRuleResolvers.Query,
  },
  Mutation: announcingChanges({ ...generated.Mutation, ...clinicalRuleResolvers.Mutation }),
  Peptide: {
    // References come from records other subgraphs own (a protocol naming a peptide): they
    // resolve whatever the status, so an unpublished peptide still has its name there.
    __resolveReference: (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? ctx.loaders.peptide.load(ref.id.toLowerCase()) : null),
    image: (peptide: Peptide, _: unknown, ctx: Ctx) => (peptide.imageId ? ctx.loaders.media.load(peptide.imageId) : null),
    coas: async (peptide: Peptide, args: DraftArgs, ctx: Ctx) =>
      (await ctx.loaders.coasByPeptide.load(peptide.id)).filter((coa) => visible(coa, args.includeDrafts)),
    researchPapers: async (peptide: Peptide, args: DraftArgs, ctx: Ctx) =>
      (await ctx.loaders.papersByPeptide.load(peptide.id)).filter((paper) => visible(paper, args.includeDrafts)),
    products: (peptide: Peptide, _: unknown, ctx: Ctx) => ctx.loaders.productsByPeptide.load(peptide.id),
    ...clinicalRuleResolvers.Peptide,
  },
  PeptideClinicalRules: clinicalRuleResolvers.PeptideClinicalRules,
  Stack: withPeptides,
  Goal: withPeptides,
  ResearchPaper: withPeptides,
  Coa: {
    peptide: (coa: Coa, args: DraftArgs, ctx: Ctx) => peptideById(coa.peptideId, args, ctx),
  },
  Product: {
    peptide: (product: Product, args: DraftArgs, ctx: Ctx) => peptideById(product.peptideId, args, ctx),
  },
  BlogPost: {
    author: (post: BlogPost, _: unknown, ctx: Ctx) => (post.authorId ? ctx.loaders.user.load(post.authorId) : null),
  },
};
