import { optionalInt, ToolInputError, type LunaTool } from './tool';

const QUERY = `query LunaSearchContent($query: String!, $first: Int!) {
  searchContent(query: $query, first: $first) { kind title snippet slug }
}`;

export const searchContent: LunaTool = {
  name: 'searchContent',
  description: "Search Loop Health's published library: peptides in the catalog, stacks, goals, FAQs, help articles, blog posts and research papers. Answers titles and short snippets.",
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'Words to search for, e.g. "BPC-157" or "shipping".' },
      limit: { type: 'integer', minimum: 1, maximum: 10, description: 'How many hits (default 5).' },
    },
    required: ['query'],
    additionalProperties: false,
  },
  async run(input, context) {
    const query = typeof input.query === 'string' ? input.query.trim() : '';
    if (!query) throw new ToolInputError('query is required');
    const data = await context.graph.request<{ searchContent: { kind: string; title: string; snippet: string; slug: string | null }[] }>('LunaSearchContent', QUERY, {
      query: query.slice(0, 200),
      first: optionalInt(input, 'limit', 1, 10, 5),
    });
    return { hits: data.searchContent };
  },
};
