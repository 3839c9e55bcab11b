/**
 * The README is the front door: every page of docs/ is reachable from it, no link or path in the manual
 * points at a file or a section that is not there, and docs/testing.md says what every test file proves.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(__dirname, '..');
const PAGES = ['README.md', 'CHANGELOG.md', 'bench/README.md', 'packages/client/README.md', ...readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!));
  const explicit = [...text.matchAll(/<a id="([^"]+)">/g)].map((match) => match[1]!);
  return new Set([...headings, ...explicit]);
}

describe('the manual', () => {
  it('has README lines enough for a front door (≤ 250)', () => {
    assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length <= 250);
  });

  it('reaches every page of docs/ from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const page of PAGES.filter((page) => page.startsWith('docs/'))) assert.ok(readme.includes(`](${page})`), `${page} is linked from the README`);
  });

  it('names only paths that exist', () => {
    const missing: string[] = [];
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const [, path] of text.matchAll(/`((?:src|test|bench|docs|scripts|dev|deploy|packages|bin)\/[\w./-]*)`/g)) {
        if (!existsSync(join(ROOT, path!))) missing.push(`${page}: ${path}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('says in docs/testing.md what every test file proves', () => {
    const testing = readFileSync(join(ROOT, 'docs/testing.md'), 'utf8');
    const named = new Set([...testing.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
    const covered = (file: string) => named.has(file) || named.has(file.slice(file.lastIndexOf('/') + 1)) || named.has(`${dirname(file)}/*`);
    const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => `test/${file}`);
    assert.deepEqual(files.filter((file) => !covered(file)).sort(), []);
  });

  it('links only to files and sections that exist', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const path = file ? join(dirname(page), file) : page;
        if (!existsSync(join(ROOT, path))) broken.push(`${page}: ${target} (no ${path})`);
        else if (anchor && path.endsWith('.md') && !anchorsOf(path).has(anchor)) broken.push(`${page}: ${target} (no section #${anchor})`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
