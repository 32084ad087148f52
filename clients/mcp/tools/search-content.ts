// search_content: published content (peptides, stacks, goals, articles, FAQs, papers) by text.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { answer } from '../results';
import { READ_ONLY, runTool, type ToolContext } from './context';

const QUERY = `query McpSearchContent($query: String!, $first: Int!) {
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

export function registerSearchContent(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'search_content',
    {
      title: 'Search content',
      description:
        'Searches Loop Health’s published content (peptides, stacks, health goals, blog posts, FAQs, help articles, research papers) by title and text; title matches first.',
      inputSchema: {
        query: z.string().min(2).max(200).describe('The words to look for (2-200 characters).'),
        first: z.int().min(1).max(20).default(5).describe('How many hits to return (1-20).'),
      },
      outputSchema: { query: z.string(), hits: z.array(hit) },
      annotations: { ...READ_ONLY, title: 'Search content' },
    },
    ({ query, first }) =>
      runTool(ctx, 'search_content', async () => {
        const { data, warnings } = await ctx.graph.execute<{ searchContent: Hit[] }>('McpSearchContent', QUERY, { query, first });
        const hits = data.searchContent;
        const text = hits.length
          ? [`${hits.length} hit(s) for “${query}”:`, ...hits.map((h) => `- [${h.kind}] ${h.title}${h.slug ? ` (${h.slug})` : ''}: ${h.snippet}`)].join('\n')
          : `No published content matches “${query}”.`;
        return answer({ text, structured: { query, hits }, warnings });
      }),
  );
}
