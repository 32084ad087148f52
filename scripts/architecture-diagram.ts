// The README's architecture diagram, drawn from a dependency cruise (scripts/architecture.ts):
// each module is folded into its room (bin, gateway, a subgraph, a client, shared, the seed) and
// each import between two rooms becomes one arrow of a Mermaid flowchart. Tests, benchmarks and
// tools are left out: they may use anything, and the picture is of what runs.

/** Each module's path from the project root, and the paths it imports. */
export type Layering = { source: string; imports: string[] }[];

export const DIAGRAM_BEGIN = '<!-- architecture-diagram:begin -->';
export const DIAGRAM_END = '<!-- architecture-diagram:end -->';

/** The layers drawn, top to bottom, and which rooms each holds. */
const LAYERS: { id: string; title: string; holds: (room: string) => boolean }[] = [
  { id: 'wiring', title: 'process wiring and demo data', holds: (room) => room === 'bin' || room === 'prisma/seed' },
  { id: 'clients', title: 'clients, over HTTP', holds: (room) => room.startsWith('clients/') },
  { id: 'services', title: 'services', holds: (room) => room === 'gateway' || room.startsWith('subgraphs') },
  { id: 'platform', title: 'platform', holds: (room) => room === 'shared' },
];

/** The room a module belongs to; null for what the picture leaves out. */
export function roomOf(file: string): string | null {
  const parts = file.split('/');
  switch (parts[0]) {
    case 'bin':
    case 'gateway':
    case 'shared':
      return parts[0];
    case 'subgraphs':
      if (parts.length === 2) return 'subgraphs';
      return parts[2] === 'test' ? null : `subgraphs/${parts[1]}`;
    case 'clients':
      return parts.length > 2 && parts[2] !== 'test' ? `clients/${parts[1]}` : null;
    case 'prisma':
      return parts[1] === 'seed' ? 'prisma/seed' : null;
    default:
      return null;
  }
}

/** Mermaid ids: the room's name in word characters (the registry, subgraphs/index.ts, as `registry`). */
const nodeId = (room: string) => (room === 'subgraphs' ? 'registry' : room.replace(/[^A-Za-z0-9]/g, '_'));
const label = (room: string) => (room === 'subgraphs' ? 'subgraphs (registry)' : room);

/** A Mermaid flowchart of the rooms and the imports between them, in a stable order. */
export function architectureDiagram(layering: Layering): string {
  const rooms = new Set<string>();
  const arrows = new Set<string>();
  for (const { source, imports } of layering) {
    const from = roomOf(source);
    if (!from) continue;
    rooms.add(from);
    for (const target of imports) {
      const to = roomOf(target);
      if (to && to !== from) arrows.add(`${from} --> ${to}`);
    }
  }
  const lines = ['```mermaid', 'flowchart TD'];
  for (const layer of LAYERS) {
    const held = [...rooms].filter(layer.holds).sort();
    if (!held.length) continue;
    lines.push(`  subgraph ${layer.id} ["${layer.title}"]`);
    for (const room of held) lines.push(`    ${nodeId(room)}["${label(room)}"]`);
    lines.push('  end');
  }
  for (const arrow of [...arrows].sort()) {
    const [from, to] = arrow.split(' --> ');
    lines.push(`  ${nodeId(from)} --> ${nodeId(to)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

/** `readme` with its architecture diagram replaced by `diagram`. */
export function withArchitectureDiagram(readme: string, diagram: string): string {
  const begin = readme.indexOf(DIAGRAM_BEGIN);
  const end = readme.indexOf(DIAGRAM_END);
  if (begin < 0 || end < begin) throw new Error('README.md has no architecture-diagram markers');
  return `${readme.slice(0, begin)}${DIAGRAM_BEGIN}\n${diagram}\n${readme.slice(end)}`;
}
