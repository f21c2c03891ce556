/**
 * `npm run advisories -- DIR`: checks every production package that package-lock.json installs against
 * a directory of advisories in the OSV format that github/advisory-database uses (a checkout of it, or
 * its advisories/github-reviewed part). It is the offline stand-in for `npm audit --omit=dev` where the
 * registry's audit endpoint cannot be reached. Exit 0 when no high or critical advisory holds an
 * installed production version, 1 when one does, 2 for a usage error or an advisory file it cannot read.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import semver from 'semver';

const usage = `usage: npm run advisories -- DIR [--lock FILE]
  DIR          advisories in OSV JSON (e.g. a checkout of github/advisory-database), searched recursively
  --lock FILE  the lockfile to check (default package-lock.json)
  exit 0 no high or critical advisory holds a production package, 1 one does (or one with no severity), 2 usage
  or unreadable input`;

interface LockEntry {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
interface Installed {
  name: string;
  version: string;
  path: string;
}
interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
}
interface Advisory {
  id: string;
  summary?: string;
  withdrawn?: string;
  affected?: { package?: { ecosystem?: string; name?: string }; ranges?: { type: string; events: OsvEvent[] }[]; versions?: string[] }[];
  database_specific?: { severity?: string };
}
interface Finding {
  severity: string;
  id: string;
  summary: string;
  installed: Installed;
  file: string;
}

class InputError extends Error {}

/**
 * What a user of the package gets: every package reached from the root's dependencies (a package's
 * own dependencies, optional ones and peers, as npm installs them), found where Node would resolve it.
 * Dev packages and workspaces (the test runtimes) are not reached from there.
 */
function productionPackages(lockFile: string): Installed[] {
  let lock: { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch (error) {
    throw new InputError(`${lockFile}: cannot read it as JSON (${(error as Error).message})`);
  }
  const packages = lock.packages;
  if (!packages || (lock.lockfileVersion ?? 0) < 2) throw new InputError(`${lockFile}: expected a lockfile of version 2 or later (with "packages"), got version ${lock.lockfileVersion ?? 'none'}`);
  const reached = new Set<string>();
  const visit = (from: string, names: string[]) => {
    for (const name of names) {
      const path = resolved(packages, from, name);
      if (path === undefined || reached.has(path)) continue;
      reached.add(path);
      const entry = packages[path]!;
      visit(path, Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }));
    }
  };
  const root = packages[''] ?? {};
  visit('', Object.keys({ ...root.dependencies, ...root.optionalDependencies }));
  return [...reached].sort().map((path) => {
    const entry = packages[path]!;
    const version = entry.version ?? '';
    if (!semver.valid(version)) throw new InputError(`${lockFile}: "${path}" has version "${version}", expected a semver version`);
    // An aliased install (npm:other@x) records the real name; the path holds the alias.
    return { name: entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version, path };
  });
}

/** Where `name` required from the package at `from` is installed: its own node_modules, then each enclosing one. */
function resolved(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const path = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[path]) return path;
    if (!dir) return undefined;
  }
}

/** OSV's rule: walking the events in version order, `introduced` opens an affected span, `fixed` and `last_affected` close it. */
function inRange(version: string, events: OsvEvent[], file: string): boolean {
  const at = (event: OsvEvent) => {
    const v = event.introduced ?? event.fixed ?? event.last_affected ?? '';
    if (v === '0') return '0.0.0-0';
    if (!semver.valid(v)) throw new InputError(`${file}: range event ${JSON.stringify(event)} is not a semver version`);
    return v;
  };
  let affected = false;
  for (const event of [...events].sort((a, b) => semver.compare(at(a), at(b)))) {
    if (event.introduced !== undefined && semver.gte(version, at(event))) affected = true;
    else if (event.fixed !== undefined && semver.gte(version, at(event))) affected = false;
    else if (event.last_affected !== undefined && semver.gt(version, at(event))) affected = false;
  }
  return affected;
}

function findings(dir: string, installed: Installed[]): { files: number; found: Finding[] } {
  const byName = new Map<string, Installed[]>();
  for (const p of installed) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json'));
  } catch (error) {
    throw new InputError(`${dir}: cannot list it (${(error as Error).message})`);
  }
  if (!names.length) throw new InputError(`${dir}: holds no .json advisory files`);
  const found: Finding[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    if (!text.includes('"npm"')) continue;
    let advisory: Advisory;
    try {
      advisory = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: not JSON (${(error as Error).message})`);
    }
    if (advisory.withdrawn) continue;
    const hit = new Set<Installed>();
    for (const affected of advisory.affected ?? []) {
      if (affected.package?.ecosystem !== 'npm') continue;
      for (const pkg of byName.get(affected.package.name ?? '') ?? []) {
        const ranges = (affected.ranges ?? []).filter((r) => r.type === 'SEMVER' || r.type === 'ECOSYSTEM');
        if (affected.versions?.includes(pkg.version) || ranges.some((r) => inRange(pkg.version, r.events, file))) hit.add(pkg);
      }
    }
    // A reviewed advisory always states a severity; one without it cannot be shown to be below high.
    const severity = advisory.database_specific?.severity?.toUpperCase() ?? 'UNKNOWN';
    for (const pkg of hit) found.push({ severity, id: advisory.id, summary: advisory.summary ?? '', installed: pkg, file: relative(dir, file) });
  }
  return { files: names.length, found };
}

const blocking = (severity: string) => severity === 'HIGH' || severity === 'CRITICAL' || severity === 'UNKNOWN';

function main(): number {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({ options: { lock: { type: 'string', default: 'package-lock.json' }, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true, strict: true }));
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new InputError(`expected one advisory directory, got ${positionals.length}`);
    const installed = productionPackages(values.lock);
    const { files, found } = findings(positionals[0]!, installed);
    process.stdout.write(`checked ${installed.length} production packages from ${values.lock} against ${files} advisory files in ${positionals[0]}\n`);
    for (const f of found.sort((a, b) => a.installed.name.localeCompare(b.installed.name) || a.id.localeCompare(b.id))) {
      process.stdout.write(`${f.severity} ${f.installed.name}@${f.installed.version} (${f.installed.path}): ${f.id} ${f.summary} [${f.file}]\n`);
    }
    const high = found.filter((f) => blocking(f.severity));
    process.stdout.write(high.length ? `${high.length} high, critical or unrated advisories hold installed production packages\n` : 'no high or critical advisory holds an installed production package\n');
    return high.length ? 1 : 0;
  } catch (error) {
    if (!(error instanceof InputError) && !String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) throw error;
    process.stderr.write(`advisories: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
}

process.exitCode = main();
