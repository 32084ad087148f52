// Rows for the payload (CMS) schema and health.products, built from ./content.
import type { Prisma } from '../../generated/prisma/client';
import {
  BLOG_POSTS,
  CMS_USERS,
  COA_LABS,
  FAQS,
  GOALS,
  HELP_ARTICLES,
  MEDIA,
  PEPTIDES,
  RESEARCH_PAPERS,
  STACKS,
  type PeptideSeed,
} from './content';
import { CLINICAL_RULES, contraindicationsFor } from './clinical-rules';
import { DAY_MS, HOUR_MS, Rng, round, utcMidnight, uuidFor } from './random';

export interface ContentRows {
  users: Prisma.UserCreateManyInput[];
  media: Prisma.MediaCreateManyInput[];
  peptides: Prisma.PeptideCreateManyInput[];
  peptideDosing: Prisma.PeptideDosingCreateManyInput[];
  peptideContraindications: Prisma.PeptideContraindicationCreateManyInput[];
  stacks: Prisma.StackCreateManyInput[];
  goals: Prisma.GoalCreateManyInput[];
  blogPosts: Prisma.BlogPostCreateManyInput[];
  faqs: Prisma.FaqCreateManyInput[];
  helpArticles: Prisma.HelpArticleCreateManyInput[];
  coas: Prisma.CoaCreateManyInput[];
  researchPapers: Prisma.ResearchPaperCreateManyInput[];
  products: Prisma.ProductCreateManyInput[];
}

/** What the patient-side builder needs to know about the catalog. */
export interface CatalogRefs {
  /** Published peptides by slug. */
  peptides: Map<string, { id: string; seed: PeptideSeed }>;
  publishedPeptideIds: string[];
  publishedStackIds: string[];
  publishedGoalIds: string[];
}

export const peptideId = (slug: string) => uuidFor(`peptide:${slug}`);

export function buildContent(today: Date): { rows: ContentRows; refs: CatalogRefs } {
  const rng = new Rng('content');
  const t0 = today.getTime();
  /** A publication moment `minDays`..`maxDays` ago, at a working hour (UTC). */
  const pastMoment = (minDays: number, maxDays: number) =>
    new Date(t0 - rng.int(minDays, maxDays) * DAY_MS + rng.int(13, 22) * HOUR_MS + rng.int(0, 59) * 60_000);
  const publication = (draft: boolean | undefined, minDays = 20, maxDays = 400) => {
    const publishedAt = pastMoment(minDays, maxDays);
    const createdAt = new Date(publishedAt.getTime() - rng.int(1, 14) * DAY_MS);
    return draft
      ? { status: 'DRAFT' as const, publishedAt: null, createdAt: new Date(t0 - rng.int(1, 10) * DAY_MS) }
      : { status: 'PUBLISHED' as const, publishedAt, createdAt };
  };

  const users: Prisma.UserCreateManyInput[] = CMS_USERS.map((u) => ({
    id: uuidFor(`cms-user:${u.email}`),
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: pastMoment(400, 700),
  }));

  const media: Prisma.MediaCreateManyInput[] = MEDIA.map((m) => ({
    id: uuidFor(`media:${m.filename}`),
    filename: m.filename,
    mimeType: m.mimeType,
    filesize: rng.int(40_000, 900_000),
    alt: m.alt,
    url: `/media/${m.filename}`,
    width: m.width || null,
    height: m.height || null,
    createdAt: pastMoment(300, 500),
  }));
  const mediaIdByFile = new Map(MEDIA.map((m) => [m.filename, uuidFor(`media:${m.filename}`)]));
  const imageFor: Record<string, string> = {
    'bpc-157': 'bpc-157-vial.png',
    'tb-500': 'tb-500-vial.png',
    'cjc-1295': 'cjc-1295-vial.png',
    ipamorelin: 'ipamorelin-vial.png',
    semaglutide: 'semaglutide-pen.png',
    tirzepatide: 'tirzepatide-pen.png',
  };

  const peptides: Prisma.PeptideCreateManyInput[] = PEPTIDES.map((p) => {
    const pub = publication(p.draft, 60, 400);
    return {
      id: peptideId(p.slug),
      slug: p.slug,
      name: p.name,
      summary: p.summary,
      description: p.description,
      mechanism: p.mechanism,
      benefits: p.benefits,
      typicalDose: p.typicalDose,
      halfLife: p.halfLife,
      imageId: imageFor[p.slug] ? (mediaIdByFile.get(imageFor[p.slug]) ?? null) : null,
      ...pub,
      updatedAt: pub.publishedAt ?? pub.createdAt,
    };
  });

  const refs: CatalogRefs = {
    peptides: new Map(PEPTIDES.filter((p) => !p.draft).map((p) => [p.slug, { id: peptideId(p.slug), seed: p }])),
    publishedPeptideIds: PEPTIDES.filter((p) => !p.draft).map((p) => peptideId(p.slug)),
    publishedStackIds: STACKS.filter((s) => !s.draft).map((s) => uuidFor(`stack:${s.slug}`)),
    publishedGoalIds: GOALS.filter((g) => !g.draft).map((g) => uuidFor(`goal:${g.slug}`)),
  };

  const stacks: Prisma.StackCreateManyInput[] = STACKS.map((s) => ({
    id: uuidFor(`stack:${s.slug}`),
    slug: s.slug,
    name: s.name,
    description: s.description,
    peptideIds: s.peptides.map(peptideId),
    ...publication(s.draft, 30, 300),
  }));

  const goals: Prisma.GoalCreateManyInput[] = GOALS.map((g) => ({
    id: uuidFor(`goal:${g.slug}`),
    slug: g.slug,
    title: g.title,
    description: g.description,
    peptideIds: g.peptides.map(peptideId),
    ...publication(g.draft, 30, 300),
  }));

  const blogPosts: Prisma.BlogPostCreateManyInput[] = BLOG_POSTS.map((post, index) => ({
    id: uuidFor(`blog:${post.slug}`),
    slug: post.slug,
    title: post.title,
    excerpt: post.excerpt,
    body: [
      post.excerpt,
      `This article is part of our ${post.tags.join(' and ')} series. It explains the science in plain language and what it means for your own results.`,
      'As always, use it to prepare questions for your clinician rather than to change treatment on your own.',
    ].join('\n\n'),
    tags: post.tags,
    authorId: users[index % users.length].id,
    ...publication(post.draft, 3, 360),
  }));

  const faqPositions = new Map<string, number>();
  const faqs: Prisma.FaqCreateManyInput[] = FAQS.map((f, index) => {
    const position = faqPositions.get(f.category) ?? 0;
    faqPositions.set(f.category, position + 1);
    return {
      id: uuidFor(`faq:${index}`),
      question: f.question,
      answer: f.answer,
      category: f.category,
      position,
      ...publication(f.draft, 30, 400),
    };
  });

  const helpArticles: Prisma.HelpArticleCreateManyInput[] = HELP_ARTICLES.map((h) => ({
    id: uuidFor(`help:${h.slug}`),
    slug: h.slug,
    title: h.title,
    body: h.body,
    category: h.category,
    ...publication(h.draft, 30, 400),
  }));

  const coas: Prisma.CoaCreateManyInput[] = PEPTIDES.map((p, index) => {
    const testedAt = new Date(utcMidnight(new Date(t0 - rng.int(10, 120) * DAY_MS)));
    const batchNumber = `LH-${p.slug.replace(/[^a-z0-9]/g, '').toUpperCase()}-${testedAt.getUTCFullYear() % 100}${String(index + 1).padStart(3, '0')}`;
    return {
      id: uuidFor(`coa:${p.slug}`),
      peptideId: peptideId(p.slug),
      batchNumber,
      labName: rng.pick(COA_LABS),
      purityPercent: round(rng.between(98.2, 99.9), 2),
      testedAt,
      documentUrl: `/media/coa/${batchNumber}.pdf`,
      ...(p.draft
        ? { status: 'DRAFT' as const, publishedAt: null, createdAt: new Date(testedAt.getTime() + DAY_MS) }
        : { status: 'PUBLISHED' as const, publishedAt: new Date(testedAt.getTime() + 3 * DAY_MS), createdAt: new Date(testedAt.getTime() + DAY_MS) }),
    };
  });

  const researchPapers: Prisma.ResearchPaperCreateManyInput[] = RESEARCH_PAPERS.map((paper, index) => ({
    id: uuidFor(`paper:${index}`),
    title: paper.title,
    authors: paper.authors,
    journal: paper.journal,
    year: paper.year,
    doi: paper.doi,
    url: paper.doi ? `https://doi.org/${paper.doi}` : null,
    abstract: paper.abstract,
    peptideIds: paper.peptides.map(peptideId),
    ...publication(paper.draft, 30, 500),
  }));

  const products: Prisma.ProductCreateManyInput[] = PEPTIDES.map((p) => ({
    id: uuidFor(`product:${p.slug}`),
    sku: `LH-${p.slug.replace(/[^a-z0-9]/g, '').toUpperCase()}`,
    name: `${p.name}: 30-day supply`,
    peptideId: peptideId(p.slug),
    priceCents: p.priceCents,
    currency: 'USD',
    active: !p.draft,
    createdAt: pastMoment(300, 500),
  }));

  return {
    rows: { users, media, peptides, ...clinicalRuleRows(), stacks, goals, blogPosts, faqs, helpArticles, coas, researchPapers, products },
    refs,
  };
}

/** Every peptide's dosing limits and contraindication rules (./clinical-rules), with deterministic ids. */
function clinicalRuleRows(): Pick<ContentRows, 'peptideDosing' | 'peptideContraindications'> {
  const missing = PEPTIDES.filter((p) => !CLINICAL_RULES[p.slug]).map((p) => p.slug);
  if (missing.length) throw new Error(`seed: no clinical rules for ${missing.join(', ')}`);
  return {
    peptideDosing: PEPTIDES.map((p) => ({ peptideId: peptideId(p.slug), ...CLINICAL_RULES[p.slug].dosing, updatedBy: 'seed' })),
    peptideContraindications: PEPTIDES.flatMap((p) =>
      contraindicationsFor(p.slug).map((rule, i) => ({ id: uuidFor(`contraindication:${p.slug}:${i}`), peptideId: peptideId(p.slug), ...rule, createdBy: 'seed' })),
    ),
  };
}
