/**
 * Modules evaluated once per workflow thread and shared by every workflow in it (the bundler's
 * `preloadModules`), instead of once per cached workflow: with reuseV8Context the bundle's modules are
 * otherwise evaluated again for each workflow.
 *
 * Only modules that keep no per-workflow state belong here: the SDK deep-freezes what they export.
 * Named through this module because the bundler drops a preloaded package that declares
 * `"sideEffects": false` (zod does) when nothing uses its exports; here something does.
 */
import { z } from 'zod';

/**
 * zod sets its global defaults (English messages, the memoizer, in `globalThis.__zod_globalConfig`) when
 * the first schema is built: building one here sets them before the SDK freezes what was preloaded.
 */
export const PRELOADED = [z.object({ defaultsSet: z.string() })];

/**
 * No generated parsers in workflows: zod compiles a parser per object schema on its first parse, which pays off
 * over many parses, but here every workflow builds its own schemas and parses each once or twice. Measured on the
 * throughput benchmark's load: about 1.8 ms less workflow-thread CPU per work order (31.3 → 29.5, 4 rounds).
 */
z.config({ jitless: true });
