import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

/** Released builds of the workflow, by version: the commit each was released from. */
export const RELEASES = { '1.0.1': 'a26b81e0598a7852768e25493c316fdaaa33e6b4', '1.1.1': '8954215369a46ccfe936a33d8d619fa3cb4f807a' } as const;

/** Why the released code cannot be read here (a shallow clone without the release's commit), or undefined. */
export function releasedSkipReason(version: keyof typeof RELEASES): string | undefined {
  try {
    execFileSync('git', ['cat-file', '-e', `${RELEASES[version]}^{commit}`], { cwd: REPO, stdio: 'ignore' });
    return undefined;
  } catch {
    return `the ${version} release's commit ${RELEASES[version]} is not in this clone (shallow?)`;
  }
}

/**
 * The workflow bundle of a released version, built by that release's own code (`src/` taken out of its
 * commit with `git archive` into `.data/`, inside the repository so that today's node_modules resolve): the
 * workflows that ran work orders in production, bundled with the modules that release preloaded.
 */
export async function releasedWorkflowBundle(version: keyof typeof RELEASES): Promise<string> {
  const dir = join(REPO, '.data', `released-${version}`);
  if (!existsSync(join(dir, 'src'))) {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const archive = execFileSync('git', ['archive', RELEASES[version], 'src'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', partial], { input: archive });
    renameSync(partial, dir);
  }
  const released = (await import(join(dir, 'src', 'worker', 'workflow-bundle'))) as { bundleWorkOrderWorkflows: () => Promise<{ code: string }> };
  return (await released.bundleWorkOrderWorkflows()).code;
}
