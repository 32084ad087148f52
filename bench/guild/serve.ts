// Runs the Guild benchmark's four subgraphs as a process of their own (bench/gateways.ts starts it,
// so their CPU is not the benchmark driver's): ports GUILD_PORT_BASE+1…+4, the composed supergraph
// written to SUPERGRAPH_OUT. Prints "ready" when both are done.
import { startGuildSubgraphs, writeGuildSupergraph } from './subgraphs';

async function main(): Promise<void> {
  const subgraphs = await startGuildSubgraphs(Number(process.env.GUILD_PORT_BASE ?? 4200));
  writeGuildSupergraph(process.env.SUPERGRAPH_OUT!, subgraphs.urls);
  process.on('SIGTERM', () => void subgraphs.close().then(() => process.exit(0)));
  console.log('ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
