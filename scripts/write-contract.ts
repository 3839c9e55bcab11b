/** `npm run contract`: writes docs/contract/<name>.schema.json from the zod schemas (src/work-order/contract.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contractSchemas } from '../src/work-order/contract';

export const CONTRACT_DIR = resolve(__dirname, '../docs/contract');

/** The file's exact text, so the suite can compare byte for byte. */
export const contractFileText = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;

if (require.main === module) {
  mkdirSync(CONTRACT_DIR, { recursive: true });
  for (const [name, schema] of contractSchemas()) {
    writeFileSync(join(CONTRACT_DIR, `${name}.schema.json`), contractFileText(schema));
    console.log(`docs/contract/${name}.schema.json`);
  }
}
