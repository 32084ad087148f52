// A baseline version of the project checked out beside the working tree: a detached git
// worktree of the given ref, with its own `npm ci` (which generates its Prisma client), so a
// benchmark can run the old and the new stack in one run on the same machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BaselineTreeOptions {
  /** The repository (any worktree of it). */
  repoDir: string;
  /** Commit, tag or branch to check out (DEFAULT_BASELINE_REF). */
  ref?: string;
  /** Where to check it out; default a folder in the temporary directory named after the commit. */
  dir?: string;
  /** Leave the checkout (and its node_modules) for the next run instead of removing it (default false). */
  keep?: boolean;
  log?: (line: string) => void;
}

/** The state measured in issue 16: the figures the speed-ups are ratios of. */
export const DEFAULT_BASELINE_REF = '70efc1b';

export interface BaselineTree {
  dir: string;
  commit: string;
  remove(): void;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function prepareBaselineTree(options: BaselineTreeOptions): BaselineTree {
  const log = options.log ?? (() => {});
  const commit = git(options.repoDir, 'rev-parse', '--verify', `${options.ref ?? DEFAULT_BASELINE_REF}^{commit}`);
  const dir = options.dir ?? path.join(os.tmpdir(), `loop-bench-baseline-${commit.slice(0, 12)}`);
  const checkedOut = existsSync(path.join(dir, '.git')) && git(dir, 'rev-parse', 'HEAD') === commit;
  if (!checkedOut) {
    log(`checking out ${commit.slice(0, 12)} in ${dir}`);
    git(options.repoDir, 'worktree', 'add', '--force', '--detach', dir, commit);
  }
  // A finished `npm ci` leaves the generated Prisma client behind (its postinstall runs generate).
  if (!existsSync(path.join(dir, 'node_modules', '.package-lock.json')) || !existsSync(path.join(dir, 'node_modules', 'tsx'))) {
    log(`npm ci in ${dir} (once per checkout)`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return {
    dir,
    commit,
    remove: () => {
      if (options.keep) return;
      git(options.repoDir, 'worktree', 'remove', '--force', dir);
    },
  };
}
