// Content search: Loop Health's published library (peptides, stacks, goals, articles, FAQs,
// research papers) by text.
import { z } from 'zod';
import { defineTool } from './tool';

const QUERY = (operationName: string) => `query ${operationName}($query: String!, $first: Int!) {
  searchContent(query: $query, first: $first) { kind id title snippet slug }
}`;

const hit = z.object({
  kind: z.string().describe('PEPTIDE, STACK, GOAL, BLOG_POST, FAQ, HELP_ARTICLE or RESEARCH_PAPER'),
  id: z.string(),
  title: z.string(),
  snippet: z.string(),
  slug: z.string().nullable(),
});
type Hit = z.infer<typeof hit>;

export const searchContent = defineTool({
  surfaces: { luna: { name: 'searchContent', operation: 'LunaSearchContent' }, mcp: { name: 'search_content', operation: 'McpSearchContent' } },
  title: 'Search content',
  description:
    'Searches Loop Health’s published content (peptides in the catalog, stacks, health goals, blog posts, FAQs, help articles, research papers) by title and text, title matches first. Answers titles and short snippets.',
  input: {
    query: z.string().min(2).max(200).describe('The words to look for (2-200 characters), e.g. "BPC-157" or "shipping".'),
    first: z.int().min(1).max(20).default(5).describe('How many hits to return (1-20).'),
  },
  output: { query: z.string(), hits: z.array(hit) },
  aboutPatient: false,
  operation: ({ query, first }, operationName) => ({ operationName, query: QUERY(operationName), variables: { query, first } }),
  summarise({ searchContent: hits }: { searchContent: Hit[] }, { query }) {
    const text = hits.length
      ? [`${hits.length} hit(s) for “${query}”:`, ...hits.map((h) => `- [${h.kind}] ${h.title}${h.slug ? ` (${h.slug})` : ''}: ${h.snippet}`)].join('\n')
      : `No published content matches “${query}”.`;
    return { structured: { query, hits }, text };
  },
});
