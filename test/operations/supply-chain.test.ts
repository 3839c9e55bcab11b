/**
 * What `npm ci` installs for the product (CI and the image's build stage) carries no package with a known,
 * unfixed vulnerability of the kind found before (request@2, ws@3, form-data before 2.5.4), and runs no
 * install script nobody reviewed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(__dirname, '../..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; hasInstallScript?: boolean }> };
const installed = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/') || path.includes('/node_modules/'));
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
const versionOf = (version: string | undefined) => (version ?? '0').split('.').map(Number) as [number, number, number];
const below = (version: string | undefined, [major, minor, patch]: [number, number, number]) => {
  const [a, b, c] = versionOf(version);
  return a < major || (a === major && (b < minor || (b === minor && c < patch)));
};

describe('supply chain', () => {
  it('installs none of request@2, ws before 5.2.4, form-data before 2.5.4', () => {
    const found = installed.filter(([path, { version }]) => {
      const name = nameOf(path);
      return name === 'request' || (name === 'ws' && below(version, [5, 2, 4])) || (name === 'form-data' && below(version, [2, 5, 4]));
    });
    assert.deepEqual(found.map(([path, { version }]) => `${path}@${version}`), []);
  });

  it('decides every dependency’s install script in allowScripts (npm 11 runs none it was not told to)', () => {
    const allowScripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    const withScripts = [...new Set(installed.filter(([, entry]) => entry.hasInstallScript).map(([path]) => nameOf(path)))];
    assert.deepEqual(withScripts.filter((name) => !(name in allowScripts)), []);
  });

  it('keeps the published Node TOP clients (request@2, ws@3) out of the product, in their own folder, scripts ignored', () => {
    assert.ok(!installed.some(([path]) => ['ali-topsdk', 'node-taobao-topclient'].includes(nameOf(path))));
    const script = readFileSync(join(ROOT, 'scripts/install-published-top-clients.sh'), 'utf8');
    assert.match(script, /npm ci --ignore-scripts/);
    assert.equal(execFileSync('git', ['check-ignore', '-q', 'test/fixtures/published-top-clients/node_modules/x'], { cwd: ROOT, stdio: 'pipe' }).length, 0);
  });
});
