/**
 * The Swagger UI files `/api/docs` serves, and where they are found. `npm run build` copies them
 * beside the built server (dist/swagger-ui/), so the package ships them and its users install no
 * swagger-ui-dist: that package depends on @scarf/scarf, whose install script reports installs to
 * an analytics service. Running from source, they come from the swagger-ui-dist dev dependency.
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each file served under `/api/docs/assets/`, with its media type. */
export const swaggerUiAssets: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Copied with the assets: Swagger UI's Apache-2.0 licence asks that they travel with its files. */
export const swaggerUiNotices = ['LICENSE', 'NOTICE'] as const;

/** The swagger-ui-dist package's folder (a dev dependency: present in a checkout, not in the package). */
export function swaggerUiDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** The shipped copy (dist/swagger-ui/) when this module runs from the build, else swagger-ui-dist. */
export function swaggerUiDir(): string {
  const shipped = fileURLToPath(new URL('../swagger-ui/', import.meta.url));
  return existsSync(shipped) ? shipped : swaggerUiDistDir();
}
