/**
 * `tsx scripts/build/swagger-ui.ts OUTDIR`: copies Swagger UI's files from the swagger-ui-dist dev
 * dependency into OUTDIR/swagger-ui/, where the built server (OUTDIR/server/) looks first. Part of
 * `npm run build`, so the package ships them and does not depend on swagger-ui-dist.
 * @module
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { swaggerUiAssets, swaggerUiDistDir, swaggerUiNotices } from '../../src/server/swagger-ui-assets.js';

const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: tsx scripts/build/swagger-ui.ts OUTDIR (the build output, e.g. dist)');
  process.exit(2);
}
const from = swaggerUiDistDir();
const to = join(resolve(outDir), 'swagger-ui');
mkdirSync(to, { recursive: true });
for (const name of [...Object.keys(swaggerUiAssets), ...swaggerUiNotices]) copyFileSync(join(from, name), join(to, name));
