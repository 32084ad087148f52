// Resident memory of a process and every process below it (npm, its shell, the stack, cluster
// workers), read from `ps`: what a stack costs the machine, not only its main process.
import { execFileSync } from 'node:child_process';

export interface TreeMemory {
  /** Sum of the resident set sizes, in MB. */
  totalMb: number;
  /** Each process in the tree: pid, RSS in MB and its command line (trimmed). */
  processes: { pid: number; rssMb: number; command: string }[];
}

export function treeMemory(rootPid: number): TreeMemory {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, ppid, rss, ...command] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rssKb: Number(rss), command: command.join(' ') };
    });
  const inTree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (inTree.has(row.ppid) && !inTree.has(row.pid)) (inTree.add(row.pid), (grew = true));
  }
  const processes = rows.filter((row) => inTree.has(row.pid)).map((row) => ({ pid: row.pid, rssMb: row.rssKb / 1024, command: row.command.slice(0, 80) }));
  return { totalMb: processes.reduce((sum, p) => sum + p.rssMb, 0), processes };
}
