// The content subgraph through the real gateway: published-only lists with cursor pagination
// and filters, lookups, searchContent, the editor mutations of every collection (read back
// through the graph), validation and NOT_FOUND, and the invariants that matter: drafts stay
// hidden, a slug conflict is the client's mistake, deleting a peptide removes it everywhere,
// and protocols (another subgraph) still resolve the peptides they name.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput, expectNotFound } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
/** Makes every slug, name and batch number of this run unique. */
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${RUN}-${++counter}`;

/** The seeded patient whose protocols these tests write (protocols' own tests use others). */
const PROTOCOL_PATIENT = seededPatientId(136);

let headers: Record<string, string>;
beforeAll(async () => {
  headers = await authHeaders('admin');
});

const { ask, data } = clientWith(() => headers);

const PEPTIDE_FIELDS = 'id slug name summary description mechanism benefits typicalDose halfLife status publishedAt';

async function createPeptide(overrides: Record<string, unknown> = {}): Promise<any> {
  const slug = unique('pep');
  const input = { slug, name: `Testide ${slug}`, summary: `Summary of ${slug}`, description: `Description of ${slug}`, ...overrides };
  return (await data(`mutation($input: PeptideInput!) { createPeptide(input: $input) { ${PEPTIDE_FIELDS} } }`, { input })).createPeptide;
}

async function publish(type: string, id: string): Promise<any> {
  return (await data(`mutation($id: ID!) { publish${type}(id: $id) { id status publishedAt } }`, { id }))[`publish${type}`];
}

/** The first two published peptides, by name. */
async function publishedPeptides(): Promise<{ id: string; slug: string; name: string }[]> {
  const page = await data('{ peptides(first: 2) { edges { node { id slug name } } } }');
  return page.peptides.edges.map((e: any) => e.node);
}

/** A protocol naming the peptide; a new peptide first gets the dosing range protocols are checked against. */
async function createProtocolWith(peptideId: string): Promise<any> {
  await data('mutation($id: ID!, $input: PeptideDosingInput!) { updatePeptideDosing(peptideId: $id, input: $input) { id } }', {
    id: peptideId,
    input: { doseUnit: 'mcg', minDose: 100, maxDose: 500, maxDailyDose: 500, routes: ['subcutaneous'], frequencies: ['daily'], source: 'Test peptide: a range for this suite' },
  });
  const created = await data(
    `mutation($patientId: ID!, $input: ProtocolInput!) { createProtocol(patientId: $patientId, input: $input) { id } }`,
    {
      patientId: PROTOCOL_PATIENT,
      input: { name: unique('Content ref'), items: [{ peptideId, doseAmount: 250, doseUnit: 'mcg', frequency: 'daily' }] },
    },
  );
  return created.createProtocol;
}

const PROTOCOL_PEPTIDE = 'query($id: ID!) { protocol(id: $id) { id items { peptide { id name slug status } } } }';

describe('content: reading the catalog', () => {
  it('pages peptides with first/after in the same order as one big page, with hasNextPage and totalCount', async () => {
    const all = (await data('{ peptides(first: 100) { totalCount pageInfo { hasNextPage } edges { node { id } } } }')).peptides;
    expect(all.totalCount).toBeGreaterThanOrEqual(10);
    expect(all.edges).toHaveLength(all.totalCount);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = (
        await data('query($after: String) { peptides(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }', {
          after,
        })
      ).peptides;
      pages++;
      expect(page.totalCount).toBe(all.totalCount);
      expect(page.edges.length).toBeLessThanOrEqual(4);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
      seen.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && pages < 50);
    expect(pages).toBe(Math.ceil(all.totalCount / 4));
    expect(seen).toEqual(all.edges.map((e: any) => e.node.id));
  });

  it('refuses a page size out of range and a cursor it did not issue', async () => {
    expectBadInput(await ask('{ peptides(first: 0) { totalCount } }'), 'first');
    expectBadInput(await ask('{ blogPosts(first: 101) { totalCount } }'), 'first');
    expectBadInput(await ask('{ stacks(first: 5, after: "!!") { totalCount } }'), 'after');
    expectBadInput(await ask('{ searchContent(query: "peptide", first: 0) { id } }'), 'first');
  });

  it('lists only published items by default in every collection; includeDrafts adds the drafts', async () => {
    for (const list of ['peptides', 'stacks', 'goals', 'blogPosts', 'faqs', 'helpArticles', 'coas', 'researchPapers']) {
      const published = (await data(`{ ${list}(first: 100) { totalCount edges { node { status } } } }`))[list];
      const withDrafts = (await data(`{ ${list}(first: 100, includeDrafts: true) { totalCount edges { node { status } } } }`))[list];
      expect(published.totalCount).toBeGreaterThan(0);
      expect(published.edges.every((e: any) => e.node.status === 'PUBLISHED')).toBe(true);
      const drafts = withDrafts.edges.filter((e: any) => e.node.status === 'DRAFT').length;
      expect(withDrafts.totalCount).toBe(published.totalCount + drafts);
    }
    // The seed holds draft peptides: they exist, and only includeDrafts shows them.
    const drafts = (await data('{ peptides(first: 100, includeDrafts: true) { edges { node { slug status } } } }')).peptides.edges
      .map((e: any) => e.node)
      .filter((p: any) => p.status === 'DRAFT');
    expect(drafts.length).toBeGreaterThan(0);
    expectNotFound(await ask('query($slug: String!) { peptide(slug: $slug) { id } }', { slug: drafts[0].slug }));
    expect((await data('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { status } }', { slug: drafts[0].slug })).peptide.status).toBe('DRAFT');
  });

  it('filters peptides by search, posts by tag, FAQs and help articles by category, certificates and papers by peptide', async () => {
    const search = (await data('{ peptides(search: "bpc", first: 100) { totalCount edges { node { slug name summary description } } } }')).peptides;
    expect(search.edges.map((e: any) => e.node.slug)).toContain('bpc-157');
    for (const { node } of search.edges) {
      expect([node.slug, node.name, node.summary, node.description].some((text: string) => text.toLowerCase().includes('bpc'))).toBe(true);
    }
    const allPosts = (await data('{ blogPosts(first: 100) { totalCount } }')).blogPosts.totalCount;
    const labs = (await data('{ blogPosts(tag: "LABS", first: 100) { totalCount edges { node { tags } } } }')).blogPosts;
    expect(labs.totalCount).toBeGreaterThan(0);
    expect(labs.totalCount).toBeLessThan(allPosts);
    expect(labs.edges.every((e: any) => e.node.tags.includes('labs'))).toBe(true);

    const faqs = (await data('{ faqs(category: "labs", first: 100) { totalCount edges { node { category position } } } }')).faqs;
    expect(faqs.totalCount).toBeGreaterThan(0);
    expect(faqs.edges.every((e: any) => e.node.category.toLowerCase() === 'labs')).toBe(true);
    const positions = faqs.edges.map((e: any) => e.node.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    const help = (await data('{ helpArticles(category: "WEARABLES", first: 100) { totalCount edges { node { category } } } }')).helpArticles;
    expect(help.totalCount).toBeGreaterThan(0);
    expect(help.edges.every((e: any) => e.node.category.toLowerCase() === 'wearables')).toBe(true);

    const coas = (await data('{ coas(peptideSlug: "bpc-157", first: 100) { totalCount edges { node { testedAt peptide { slug } } } } }')).coas;
    expect(coas.totalCount).toBeGreaterThan(0);
    expect(coas.edges.every((e: any) => e.node.peptide.slug === 'bpc-157')).toBe(true);

    const paper = (await data('{ researchPapers(first: 1) { edges { node { peptides { slug } } } } }')).researchPapers.edges[0].node;
    const slug = paper.peptides[0].slug;
    const papers = (await data('query($slug: String) { researchPapers(peptideSlug: $slug, first: 100) { totalCount edges { node { peptides { slug } } } } }', { slug }))
      .researchPapers;
    expect(papers.totalCount).toBeGreaterThan(0);
    expect(papers.edges.every((e: any) => e.node.peptides.some((p: any) => p.slug === slug))).toBe(true);

    const none = await data('{ coas(peptideSlug: "no-such-peptide", first: 5) { totalCount edges { node { id } } } researchPapers(peptideSlug: "no-such-peptide") { totalCount } }');
    expect(none).toEqual({ coas: { totalCount: 0, edges: [] }, researchPapers: { totalCount: 0 } });
  });

  it('looks items up by slug, id or batch number, and answers NOT_FOUND for unknown ones', async () => {
    const firsts = await data(`{
      peptides(first: 1) { edges { node { id slug } } }
      stacks(first: 1) { edges { node { id slug } } }
      goals(first: 1) { edges { node { id slug } } }
      blogPosts(first: 1) { edges { node { id slug } } }
      helpArticles(first: 1) { edges { node { id slug } } }
      faqs(first: 1) { edges { node { id } } }
      researchPapers(first: 1) { edges { node { id } } }
      coas(first: 1) { edges { node { id batchNumber } } }
    }`);
    const node = (list: string) => firsts[list].edges[0].node;
    const lookups: [string, string, string, string][] = [
      ['peptide', 'slug', 'String!', node('peptides').slug],
      ['stack', 'slug', 'String!', node('stacks').slug],
      ['goal', 'slug', 'String!', node('goals').slug],
      ['blogPost', 'slug', 'String!', node('blogPosts').slug],
      ['helpArticle', 'slug', 'String!', node('helpArticles').slug],
      ['faq', 'id', 'ID!', node('faqs').id],
      ['researchPaper', 'id', 'ID!', node('researchPapers').id],
      ['coa', 'batchNumber', 'String!', node('coas').batchNumber],
    ];
    const expected = [node('peptides'), node('stacks'), node('goals'), node('blogPosts'), node('helpArticles'), node('faqs'), node('researchPapers'), node('coas')];
    for (const [i, [field, arg, type, key]] of lookups.entries()) {
      const found = await data(`query($k: ${type}) { ${field}(${arg}: $k) { id } }`, { k: key });
      expect(found[field].id).toBe(expected[i].id);
      const missing = await ask(`query($k: ${type}) { ${field}(${arg}: $k) { id } }`, { k: type === 'ID!' ? MISSING_ID : `missing-${RUN}` });
      expect(missing.data?.[field]).toBeNull();
      expectNotFound(missing);
    }
    expectBadInput(await ask('{ faq(id: "not-an-id") { id } }'), 'id');
  });
});

describe('content: searchContent', () => {
  it('finds published content across kinds, title matches first, with a snippet around the match and the slug', async () => {
    const token = `zq${RUN}`;
    const faq = (await data('mutation($input: FaqInput!) { createFaq(input: $input) { id } }', {
      input: { question: `What is ${token}?`, answer: 'An answer.', category: `Search ${RUN}` },
    })).createFaq;
    const postSlug = unique('post');
    const post = (await data('mutation($input: BlogPostInput!) { createBlogPost(input: $input) { id } }', {
      input: { slug: postSlug, title: `Post ${postSlug}`, excerpt: 'An excerpt.', body: `${'Lorem ipsum dolor sit amet. '.repeat(20)}Here is ${token} in the body.` },
    })).createBlogPost;

    // Drafts are not searched.
    expect(await data('query($q: String!) { searchContent(query: $q) { id } }', { q: token })).toEqual({ searchContent: [] });

    await publish('Faq', faq.id);
    await publish('BlogPost', post.id);
    const hits = (await data('query($q: String!) { searchContent(query: $q) { kind id title snippet slug } }', { q: token.toUpperCase() })).searchContent;
    expect(hits.map((h: any) => [h.kind, h.id])).toEqual([
      ['FAQ', faq.id],
      ['BLOG_POST', post.id],
    ]);
    expect(hits[0].slug).toBeNull();
    expect(hits[1].slug).toBe(postSlug);
    expect(hits[1].snippet).toContain(token);
    expect(hits[1].snippet.length).toBeLessThanOrEqual(162);
  });

  it('keeps title matches when a collection has more text-only matches than `first`', async () => {
    const token = `zt${RUN}`;
    // Three peptides whose text (not name) holds the token, named to sort before the title match.
    for (let i = 0; i < 3; i++) {
      const peptide = await createPeptide({ name: `Aaa ${RUN} ${i}`, description: `Mentions ${token} in passing.` });
      await publish('Peptide', peptide.id);
    }
    const titled = await createPeptide({ name: `Zzz ${token}` });
    await publish('Peptide', titled.id);
    const hits = (await data('query($q: String!) { searchContent(query: $q, first: 2) { kind id title } }', { q: token })).searchContent;
    expect(hits).toHaveLength(2);
    expect(hits[0]).toEqual({ kind: 'PEPTIDE', id: titled.id, title: `Zzz ${token}` });
  });

  it('treats %, _ and \\ in search text literally', async () => {
    const literal = `q%_${RUN}`;
    const peptide = await createPeptide({ description: `Contains the odd text ${literal} on purpose.` });
    await publish('Peptide', peptide.id);
    for (const query of ['%%', '_%_', 'q%_', literal]) {
      const list = (await data('query($q: String) { peptides(search: $q, first: 100, includeDrafts: true) { edges { node { id slug name summary description } } } }', { q: query })).peptides;
      for (const { node } of list.edges) {
        expect([node.slug, node.name, node.summary, node.description].some((text: string) => text.toLowerCase().includes(query.toLowerCase()))).toBe(true);
      }
      const hits = (await data('query($q: String!) { searchContent(query: $q, first: 50) { id } }', { q: query })).searchContent;
      if (query.startsWith('q%_')) {
        expect(list.edges.map((e: any) => e.node.id)).toContain(peptide.id);
        expect(hits.map((h: any) => h.id)).toContain(peptide.id);
      } else {
        expect(hits).toEqual([]);
      }
    }
    expect((await data('{ searchContent(query: "a\\\\b") { id } }')).searchContent).toEqual([]);
  });

  it('refuses a query shorter than 2 or longer than 200 characters', async () => {
    expectBadInput(await ask('{ searchContent(query: " a ") { id } }'), 'query');
    expectBadInput(await ask('query($q: String!) { searchContent(query: $q) { id } }', { q: 'x'.repeat(201) }), 'query');
  });
});

describe('content: editing peptides', () => {
  it('creates a draft that stays hidden until published, then unpublishing hides it again', async () => {
    const peptide = await createPeptide({ benefits: ['Recovery', '  Recovery ', 'Sleep', ''] });
    expect(peptide).toMatchObject({ status: 'DRAFT', publishedAt: null, benefits: ['Recovery', 'Sleep'] });
    const visibility = async () => {
      const response = await ask(
        `query($slug: String!, $name: String!) {
          peptide(slug: $slug) { id }
          peptides(search: $name) { totalCount edges { node { id } } }
          searchContent(query: $name) { id kind slug }
        }`,
        { slug: peptide.slug, name: peptide.name },
      );
      return { one: response.data?.peptide ?? null, list: response.data?.peptides.totalCount, hits: response.data?.searchContent, codes: codes(response) };
    };
    expect(await visibility()).toEqual({ one: null, list: 0, hits: [], codes: ['NOT_FOUND'] });
    const draft = await data('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { id status } }', { slug: peptide.slug });
    expect(draft.peptide).toEqual({ id: peptide.id, status: 'DRAFT' });

    const published = await publish('Peptide', peptide.id);
    expect(published.status).toBe('PUBLISHED');
    expect(Date.parse(published.publishedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await visibility()).toEqual({ one: { id: peptide.id }, list: 1, hits: [{ id: peptide.id, kind: 'PEPTIDE', slug: peptide.slug }], codes: [] });

    const unpublished = (await data('mutation($id: ID!) { unpublishPeptide(id: $id) { status publishedAt } }', { id: peptide.id })).unpublishPeptide;
    expect(unpublished).toEqual({ status: 'DRAFT', publishedAt: published.publishedAt });
    expect(await visibility()).toEqual({ one: null, list: 0, hits: [], codes: ['NOT_FOUND'] });

    // Publishing again keeps the date of the first publication.
    expect((await publish('Peptide', peptide.id)).publishedAt).toBe(published.publishedAt);
  });

  it('updates only the fields given, clears an optional one with "", and moves the slug', async () => {
    const peptide = await createPeptide({ mechanism: 'Binds a receptor.', typicalDose: '250 mcg daily', benefits: ['Recovery'] });
    const newSlug = unique('renamed');
    const updated = (
      await data(`mutation($id: ID!, $input: PeptideUpdateInput!) { updatePeptide(id: $id, input: $input) { ${PEPTIDE_FIELDS} updatedAt } }`, {
        id: peptide.id,
        input: { name: `Renamed ${newSlug}`, mechanism: '', slug: newSlug },
      })
    ).updatePeptide;
    expect(updated).toMatchObject({
      id: peptide.id,
      slug: newSlug,
      name: `Renamed ${newSlug}`,
      mechanism: null,
      typicalDose: '250 mcg daily',
      benefits: ['Recovery'],
      summary: peptide.summary,
      status: 'DRAFT',
    });
    const read = await data(`query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { ${PEPTIDE_FIELDS} } }`, { slug: newSlug });
    expect(read.peptide).toMatchObject({ id: peptide.id, name: `Renamed ${newSlug}`, mechanism: null, typicalDose: '250 mcg daily' });
    expectNotFound(await ask('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { id } }', { slug: peptide.slug }));

    expectBadInput(await ask('mutation($id: ID!) { updatePeptide(id: $id, input: {}) { id } }', { id: peptide.id }), 'input');
    expectBadInput(await ask('mutation($id: ID!) { updatePeptide(id: $id, input: { name: "   " }) { id } }', { id: peptide.id }), 'input.name');
  });

  it('answers a slug already in use with BAD_USER_INPUT naming input.slug, on create and on update', async () => {
    const [seeded] = await publishedPeptides();
    const conflict = await ask('mutation($input: PeptideInput!) { createPeptide(input: $input) { id } }', {
      input: { slug: seeded.slug, name: 'Copy', summary: 's', description: 'd' },
    });
    expectBadInput(conflict, 'input.slug');
    expect(conflict.errors![0].message).toContain('already used');

    const a = await createPeptide();
    const b = await createPeptide();
    const update = await ask('mutation($id: ID!, $slug: String!) { updatePeptide(id: $id, input: { slug: $slug }) { id } }', { id: b.id, slug: a.slug });
    expectBadInput(update, 'input.slug');
    // Nothing changed.
    expect((await data('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { id } }', { slug: b.slug })).peptide.id).toBe(b.id);
    expect((await data('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { id } }', { slug: a.slug })).peptide.id).toBe(a.id);
  });

  it('validates the editor input, naming the argument, and writes nothing', async () => {
    const name = `Invalid ${RUN}`;
    const base = { slug: unique('invalid'), name, summary: 's', description: 'd' };
    const cases: [Record<string, unknown>, string][] = [
      [{ slug: 'Not A Slug' }, 'input.slug'],
      [{ slug: 'x'.repeat(101) }, 'input.slug'],
      [{ name: '  ' }, 'input.name'],
      [{ summary: 'x'.repeat(501) }, 'input.summary'],
      [{ benefits: Array.from({ length: 21 }, (_, i) => `b${i}`) }, 'input.benefits'],
      [{ imageId: MISSING_ID }, 'input.imageId'],
      [{ imageId: 'not-an-id' }, 'input.imageId'],
    ];
    for (const [override, argument] of cases) {
      expectBadInput(await ask('mutation($input: PeptideInput!) { createPeptide(input: $input) { id } }', { input: { ...base, ...override } }), argument);
    }
    expect((await data('query($q: String) { peptides(search: $q, includeDrafts: true) { totalCount } }', { q: name })).peptides.totalCount).toBe(0);
  });
});

describe('content: every collection’s editor lifecycle', () => {
  interface Case {
    type: string;
    list: string;
    lookup: { field: string; arg: string; argType: string; key: (row: any) => string };
    fields: string;
    input: () => Promise<Record<string, unknown>>;
    update: Record<string, unknown>;
  }
  const bySlug = (field: string) => ({ field, arg: 'slug', argType: 'String!', key: (row: any) => row.slug });
  const byId = (field: string) => ({ field, arg: 'id', argType: 'ID!', key: (row: any) => row.id });
  const cases: Case[] = [
    {
      type: 'Stack',
      list: 'stacks',
      lookup: bySlug('stack'),
      fields: 'id slug name description peptides { id }',
      input: async () => ({ slug: unique('stack'), name: 'Test stack', description: 'd', peptideIds: (await publishedPeptides()).map((p) => p.id) }),
      update: { description: 'Updated description' },
    },
    {
      type: 'Goal',
      list: 'goals',
      lookup: bySlug('goal'),
      fields: 'id slug title description peptides { id }',
      input: async () => ({ slug: unique('goal'), title: 'Test goal', description: 'd', peptideIds: [(await publishedPeptides())[0].id] }),
      update: { title: 'Updated goal' },
    },
    {
      type: 'BlogPost',
      list: 'blogPosts',
      lookup: bySlug('blogPost'),
      fields: 'id slug title excerpt body tags author { id name }',
      input: async () => {
        const posts = (await data('{ blogPosts(first: 100) { edges { node { author { id } } } } }')).blogPosts.edges;
        const author = posts.map((e: any) => e.node.author).find(Boolean);
        return { slug: unique('post'), title: 'Test post', excerpt: 'e', body: '# Body', tags: ['Labs', ' labs ', 'Sleep'], authorId: author.id };
      },
      update: { excerpt: 'Updated excerpt' },
    },
    {
      type: 'Faq',
      list: 'faqs',
      lookup: byId('faq'),
      fields: 'id question answer category position',
      input: async () => ({ question: 'A test question?', answer: 'a', category: 'Testing', position: 3 }),
      update: { position: 7 },
    },
    {
      type: 'HelpArticle',
      list: 'helpArticles',
      lookup: bySlug('helpArticle'),
      fields: 'id slug title body category',
      input: async () => ({ slug: unique('help'), title: 'Test article', body: 'b', category: 'Testing' }),
      update: { category: 'Updated' },
    },
    {
      type: 'Coa',
      list: 'coas',
      lookup: { field: 'coa', arg: 'batchNumber', argType: 'String!', key: (row: any) => row.batchNumber },
      fields: 'id batchNumber labName purityPercent testedAt documentUrl peptide { id }',
      input: async () => ({
        peptideId: (await publishedPeptides())[0].id,
        batchNumber: unique('BATCH'),
        labName: 'Test Lab',
        purityPercent: 99.2,
        testedAt: '2025-03-04',
        documentUrl: 'https://example.com/coa.pdf',
      }),
      update: { purityPercent: 98.5 },
    },
    {
      type: 'ResearchPaper',
      list: 'researchPapers',
      lookup: byId('researchPaper'),
      fields: 'id title authors journal year doi url abstract peptides { id }',
      input: async () => ({
        title: 'A test paper',
        authors: 'Doe J',
        journal: 'J Test',
        year: 2021,
        doi: `10.5555/${RUN}.${++counter}`,
        abstract: 'Abstract.',
        peptideIds: [(await publishedPeptides())[1].id],
      }),
      update: { year: 2022 },
    },
  ];

  it.each(cases)('$type: create (draft) → publish → read back in lookup and list → update → unpublish → delete', async (c) => {
    const input = await c.input();
    const created = (await data(`mutation($input: ${c.type}Input!) { create${c.type}(input: $input) { ${c.fields} status publishedAt } }`, { input }))[
      `create${c.type}`
    ];
    expect(created).toMatchObject({ status: 'DRAFT', publishedAt: null });
    for (const [name, value] of Object.entries(input)) {
      if (name === 'peptideIds') expect(created.peptides.map((p: any) => p.id)).toEqual(value);
      else if (name === 'peptideId') expect(created.peptide.id).toBe(value);
      else if (name === 'authorId') expect(created.author.id).toBe(value);
      else if (name === 'tags') expect(created.tags).toEqual(['labs', 'sleep']);
      else expect(created[name]).toEqual(value);
    }
    const key = c.lookup.key(created);
    const lookup = `query($k: ${c.lookup.argType}, $drafts: Boolean) { ${c.lookup.field}(${c.lookup.arg}: $k, includeDrafts: $drafts) { id status ${Object.keys(c.update).join(' ')} } }`;
    const inList = async (includeDrafts: boolean) =>
      (await data(`query($d: Boolean) { ${c.list}(first: 100, includeDrafts: $d) { edges { node { id } } } }`, { d: includeDrafts }))[c.list].edges.some(
        (e: any) => e.node.id === created.id,
      );

    expectNotFound(await ask(lookup, { k: key }));
    expect(await inList(false)).toBe(false);
    expect(await inList(true)).toBe(true);

    await publish(c.type, created.id);
    expect((await data(lookup, { k: key }))[c.lookup.field]).toMatchObject({ id: created.id, status: 'PUBLISHED' });
    expect(await inList(false)).toBe(true);

    const updated = (await data(`mutation($id: ID!, $input: ${c.type}UpdateInput!) { update${c.type}(id: $id, input: $input) { id } }`, { id: created.id, input: c.update }))[
      `update${c.type}`
    ];
    expect(updated.id).toBe(created.id);
    expect((await data(lookup, { k: key }))[c.lookup.field]).toMatchObject(c.update);

    await data(`mutation($id: ID!) { unpublish${c.type}(id: $id) { id } }`, { id: created.id });
    expectNotFound(await ask(lookup, { k: key }));
    expect(await inList(false)).toBe(false);

    expect((await data(`mutation($id: ID!) { delete${c.type}(id: $id) }`, { id: created.id }))[`delete${c.type}`]).toBe(created.id);
    expectNotFound(await ask(lookup, { k: key, drafts: true }));
    expect(await inList(true)).toBe(false);
  });

  it.each(['Peptide', ...cases.map((c) => c.type)])('%s: NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one in every mutation', async (type) => {
    const input = type === 'Faq' ? '{ position: 1 }' : type === 'Coa' ? '{ labName: "x" }' : type === 'ResearchPaper' ? '{ year: 2020 }' : type === 'Goal' ? '{ title: "x" }' : '{ slug: "x" }';
    const mutations = [
      `update${type}(id: $id, input: ${input}) { id }`,
      `delete${type}(id: $id)`,
      `publish${type}(id: $id) { id }`,
      `unpublish${type}(id: $id) { id }`,
    ];
    for (const mutation of mutations) {
      const missing = await ask(`mutation($id: ID!) { ${mutation} }`, { id: MISSING_ID });
      expectNotFound(missing);
      expect(missing.errors![0].message).toContain(MISSING_ID);
      expectBadInput(await ask(`mutation($id: ID!) { ${mutation} }`, { id: 'not-an-id' }), 'id');
    }
  });

  it('validates the other collections’ input, naming the argument', async () => {
    const [peptide] = await publishedPeptides();
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const coa = { peptideId: peptide.id, batchNumber: unique('BATCH'), labName: 'L', purityPercent: 99, testedAt: '2025-01-01' };
    const paper = { title: 't', authors: 'a', journal: 'j', year: 2020, abstract: 'x' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['Coa', { ...coa, purityPercent: 100.5 }, 'input.purityPercent'],
      ['Coa', { ...coa, testedAt: future }, 'input.testedAt'],
      ['Coa', { ...coa, documentUrl: 'ftp://example.com/x' }, 'input.documentUrl'],
      ['Coa', { ...coa, peptideId: MISSING_ID }, 'input.peptideId'],
      ['ResearchPaper', { ...paper, year: 1800 }, 'input.year'],
      ['ResearchPaper', { ...paper, doi: 'not a doi' }, 'input.doi'],
      ['ResearchPaper', { ...paper, peptideIds: [peptide.id, MISSING_ID] }, 'input.peptideIds'],
      ['Faq', { question: 'q', answer: 'a', category: 'c', position: -1 }, 'input.position'],
      ['BlogPost', { slug: unique('post'), title: 't', excerpt: 'e', body: 'b', authorId: MISSING_ID }, 'input.authorId'],
      ['BlogPost', { slug: unique('post'), title: 't', excerpt: 'e', body: 'b', tags: ['x'.repeat(51)] }, 'input.tags'],
      ['Stack', { slug: unique('stack'), name: 'n', description: 'd', peptideIds: [MISSING_ID] }, 'input.peptideIds'],
      ['Goal', { slug: 'Bad Slug', title: 't', description: 'd' }, 'input.slug'],
      ['HelpArticle', { slug: unique('help'), title: 't', body: 'b', category: ' ' }, 'input.category'],
    ];
    for (const [type, input, argument] of cases) {
      expectBadInput(await ask(`mutation($input: ${type}Input!) { create${type}(input: $input) { id } }`, { input }), argument);
    }
    // The valid certificate input was never written by the refused attempts.
    expectNotFound(await ask('query($b: String!) { coa(batchNumber: $b, includeDrafts: true) { id } }', { b: coa.batchNumber }));
  });

  it('answers other unique conflicts (stack slug, certificate batch, paper DOI) with BAD_USER_INPUT, not an internal error', async () => {
    const seeded = await data('{ stacks(first: 1) { edges { node { slug } } } coas(first: 1) { edges { node { batchNumber } } } researchPapers(first: 20) { edges { node { doi } } } }');
    const [peptide] = await publishedPeptides();
    const doi = seeded.researchPapers.edges.map((e: any) => e.node.doi).find(Boolean);
    expect(doi).toBeTruthy();
    expectBadInput(
      await ask('mutation($input: StackInput!) { createStack(input: $input) { id } }', { input: { slug: seeded.stacks.edges[0].node.slug, name: 'n', description: 'd' } }),
      'input.slug',
    );
    expectBadInput(
      await ask('mutation($input: CoaInput!) { createCoa(input: $input) { id } }', {
        input: { peptideId: peptide.id, batchNumber: seeded.coas.edges[0].node.batchNumber, labName: 'L', purityPercent: 99, testedAt: '2025-01-01' },
      }),
      'input.batchNumber',
    );
    expectBadInput(
      await ask('mutation($input: ResearchPaperInput!) { createResearchPaper(input: $input) { id } }', {
        input: { title: 't', authors: 'a', journal: 'j', year: 2020, abstract: 'x', doi },
      }),
      'input.doi',
    );
  });
});

describe('content: relations', () => {
  it('keeps a stack’s peptides in the given order without duplicates, hiding drafts unless includeDrafts', async () => {
    const [first, second] = await publishedPeptides();
    const draft = await createPeptide();
    const stack = (
      await data('mutation($input: StackInput!) { createStack(input: $input) { id slug } }', {
        input: { slug: unique('stack'), name: 'Ordered', description: 'd', peptideIds: [second.id, first.id, second.id, draft.id] },
      })
    ).createStack;
    const read = await data('query($slug: String!) { stack(slug: $slug, includeDrafts: true) { peptides { id } all: peptides(includeDrafts: true) { id } } }', {
      slug: stack.slug,
    });
    expect(read.stack.peptides.map((p: any) => p.id)).toEqual([second.id, first.id]);
    expect(read.stack.all.map((p: any) => p.id)).toEqual([second.id, first.id, draft.id]);
  });

  it('shows a certificate under its peptide; a draft peptide is hidden behind its certificate unless includeDrafts', async () => {
    const draft = await createPeptide();
    const batch = unique('BATCH');
    const coa = (
      await data('mutation($input: CoaInput!) { createCoa(input: $input) { id } }', {
        input: { peptideId: draft.id, batchNumber: batch, labName: 'Test Lab', purityPercent: 99.5, testedAt: '2025-06-01' },
      })
    ).createCoa;
    await publish('Coa', coa.id);
    const read = await data('query($b: String!) { coa(batchNumber: $b) { id peptide { id } withDraft: peptide(includeDrafts: true) { id coas { id } } } }', { b: batch });
    expect(read.coa).toEqual({ id: coa.id, peptide: null, withDraft: { id: draft.id, coas: [{ id: coa.id }] } });
  });

  it('stores blog tags lowercase and lists the most recently published post first', async () => {
    const tag = `tag-${RUN}`;
    const make = async () =>
      (
        await data('mutation($input: BlogPostInput!) { createBlogPost(input: $input) { id tags } }', {
          input: { slug: unique('post'), title: 't', excerpt: 'e', body: 'b', tags: [tag.toUpperCase(), 'Other'] },
        })
      ).createBlogPost;
    const older = await make();
    const newer = await make();
    expect(older.tags).toEqual([tag, 'other']);
    await publish('BlogPost', older.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await publish('BlogPost', newer.id);
    const list = (await data('query($tag: String) { blogPosts(tag: $tag) { totalCount edges { node { id } } } }', { tag })).blogPosts;
    expect(list.totalCount).toBe(2);
    expect(list.edges.map((e: any) => e.node.id)).toEqual([newer.id, older.id]);
  });

  it('resolves a protocol item’s peptide by reference, whatever its status, and follows its edits', async () => {
    const draft = await createPeptide();
    const protocol = await createProtocolWith(draft.id);
    const before = await data(PROTOCOL_PEPTIDE, { id: protocol.id });
    expect(before.protocol.items[0].peptide).toEqual({ id: draft.id, name: draft.name, slug: draft.slug, status: 'DRAFT' });
    await data('mutation($id: ID!) { updatePeptide(id: $id, input: { name: "Renamed for protocols" }) { id } }', { id: draft.id });
    const after = await data(PROTOCOL_PEPTIDE, { id: protocol.id });
    expect(after.protocol.items[0].peptide.name).toBe('Renamed for protocols');
  });

  it('deletePeptide removes the peptide everywhere: lookups, lists, search, certificates, stacks, goals, papers and protocol references', async () => {
    const [other] = await publishedPeptides();
    const peptide = await createPeptide({ name: `Doomed ${RUN}` });
    await publish('Peptide', peptide.id);
    const stack = (
      await data('mutation($input: StackInput!) { createStack(input: $input) { id slug } }', {
        input: { slug: unique('stack'), name: 'With doomed', description: 'd', peptideIds: [peptide.id, other.id] },
      })
    ).createStack;
    const goal = (
      await data('mutation($input: GoalInput!) { createGoal(input: $input) { id slug } }', {
        input: { slug: unique('goal'), title: 'With doomed', description: 'd', peptideIds: [peptide.id] },
      })
    ).createGoal;
    const paper = (
      await data('mutation($input: ResearchPaperInput!) { createResearchPaper(input: $input) { id } }', {
        input: { title: 'Doomed paper', authors: 'a', journal: 'j', year: 2020, abstract: 'x', peptideIds: [peptide.id, other.id] },
      })
    ).createResearchPaper;
    const batch = unique('BATCH');
    await data('mutation($input: CoaInput!) { createCoa(input: $input) { id } }', {
      input: { peptideId: peptide.id, batchNumber: batch, labName: 'L', purityPercent: 99, testedAt: '2025-01-01' },
    });
    const protocol = await createProtocolWith(peptide.id);
    expect((await data(PROTOCOL_PEPTIDE, { id: protocol.id })).protocol.items[0].peptide.id).toBe(peptide.id);

    expect((await data('mutation($id: ID!) { deletePeptide(id: $id) }', { id: peptide.id })).deletePeptide).toBe(peptide.id);

    expectNotFound(await ask('query($slug: String!) { peptide(slug: $slug, includeDrafts: true) { id } }', { slug: peptide.slug }));
    expectNotFound(await ask('query($b: String!) { coa(batchNumber: $b, includeDrafts: true) { id } }', { b: batch }));
    const after = await data(
      `query($stack: String!, $goal: String!, $paper: ID!, $slug: String, $name: String!) {
        stack(slug: $stack, includeDrafts: true) { peptides(includeDrafts: true) { id } }
        goal(slug: $goal, includeDrafts: true) { peptides(includeDrafts: true) { id } }
        researchPaper(id: $paper, includeDrafts: true) { peptides(includeDrafts: true) { id } }
        peptides(search: $name, includeDrafts: true) { totalCount }
        coas(peptideSlug: $slug, includeDrafts: true) { totalCount }
        searchContent(query: $name) { id }
      }`,
      { stack: stack.slug, goal: goal.slug, paper: paper.id, slug: peptide.slug, name: peptide.name },
    );
    expect(after).toEqual({
      stack: { peptides: [{ id: other.id }] },
      goal: { peptides: [] },
      researchPaper: { peptides: [{ id: other.id }] },
      peptides: { totalCount: 0 },
      coas: { totalCount: 0 },
      searchContent: [],
    });
    // The protocol (another subgraph's record) keeps its item; the peptide is gone from it.
    // (The gateway may note in `extensions.valueCompletion` that it nulled the unresolvable
    // reference; that is not an error to the client.)
    const protocolAfter = await ask(PROTOCOL_PEPTIDE, { id: protocol.id });
    expect(protocolAfter.errors).toBeUndefined();
    expect(protocolAfter.data).toEqual({ protocol: { id: protocol.id, items: [{ peptide: null }] } });
    // Protocols cache the catalog's rules: the deletion was announced, so a new item naming it is refused at once.
    const naming = await ask('mutation($p: ID!, $input: ProtocolInput!) { createProtocol(patientId: $p, input: $input) { id } }', {
      p: PROTOCOL_PATIENT,
      input: { name: unique('Gone'), items: [{ peptideId: peptide.id, doseAmount: 250, doseUnit: 'mcg', frequency: 'daily' }] },
    });
    expectBadInput(naming, 'input.items[0].peptideId');

    expectNotFound(await ask('mutation($id: ID!) { deletePeptide(id: $id) }', { id: peptide.id }));
  });
});
