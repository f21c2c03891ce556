/**
 * Reads every YAML file under `spec/` with positions kept, so that any problem found later (in a
 * bundled document or a compiled schema) can be reported as `file:line:col`.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { SpecError, type SourceLocation } from './spec-error.js';

interface SourceFile {
  path: string;
  doc: Document;
  lines: LineCounter;
}

interface Target {
  file: string;
  pointer: string[];
}

export class SpecSources {
  private readonly files = new Map<string, SourceFile>();
  /** Bundled component name -> where it is defined (the bundler names a component after its ref's last segment). */
  private readonly componentOrigins = new Map<string, Target>();

  constructor(readonly specDir: string, readonly cwd: string) {}

  /** Parses every file; throws one SpecError listing every YAML syntax problem. */
  load(): void {
    const problems: SpecError['problems'] = [];
    for (const path of listYaml(this.specDir)) {
      const lines = new LineCounter();
      const text = readFileSync(path, 'utf8');
      const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
      for (const error of doc.errors) {
        const pos = lines.linePos(error.pos[0]);
        problems.push({
          location: { file: relative(this.cwd, path), line: pos.line, col: pos.col },
          message: `invalid YAML: ${error.message.split('\n')[0]}`,
        });
      }
      this.files.set(path, { path, doc, lines });
    }
    if (problems.length > 0) throw new SpecError(problems);
    for (const file of this.files.values()) this.indexRefs(file, file.doc.contents, []);
  }

  /** Where a pointer into a bundled document (`/components/schemas/X/properties/y`) was written. */
  locate(rootFile: string, bundledPointer: string[]): SourceLocation {
    const [head, kind, name, ...rest] = bundledPointer;
    if (head === 'components' && kind !== undefined && name !== undefined) {
      const origin = this.componentOrigins.get(name);
      if (origin) return this.descend(origin.file, [...origin.pointer, ...rest]);
    }
    return this.descend(resolve(rootFile), bundledPointer);
  }

  /** Location of `file#pointer` as written (used for problems the bundler reports against a source). */
  locateInFile(file: string, pointer: string[]): SourceLocation {
    return this.descend(resolve(file), pointer);
  }

  /** The scalar written at `file#pointer`, if there is one. */
  valueAt(file: string, pointer: string[]): unknown {
    const node = this.files.get(resolve(file))?.doc.getIn(pointer, true);
    return isScalar(node) ? node.value : undefined;
  }

  private indexRefs(file: SourceFile, node: unknown, at: string[]): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key === '$ref' && isScalar(pair.value) && typeof pair.value.value === 'string') {
          const target = resolveRef(file.path, pair.value.value);
          const last = target.pointer.at(-1);
          if (target.file !== file.path || target.pointer[0] !== 'components') {
            if (last !== undefined && !this.componentOrigins.has(last)) this.componentOrigins.set(last, target);
          }
        } else {
          this.indexRefs(file, pair.value, [...at, key]);
        }
      }
      // Components written inline in a root are named by their key.
      if (at.length === 2 && at[0] === 'components') {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : '';
          const value = pair.value;
          const isRef = isMap(value) && value.has('$ref');
          if (!isRef && !this.componentOrigins.has(key)) this.componentOrigins.set(key, { file: file.path, pointer: [...at, key] });
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => this.indexRefs(file, item, [...at, String(i)]));
    }
  }

  private descend(filePath: string, pointer: string[], depth = 0): SourceLocation {
    const file = this.files.get(filePath);
    if (!file) return { file: relative(this.cwd, filePath), line: 1, col: 1 };
    let node: unknown = file.doc.contents;
    let found: unknown = node;
    for (let i = 0; i < pointer.length; i++) {
      const segment = pointer[i]!;
      if (isMap(node)) {
        const ref = node.get('$ref');
        if (typeof ref === 'string' && depth < 32 && segment !== '$ref') {
          const target = resolveRef(file.path, ref);
          return this.descend(target.file, [...target.pointer, ...pointer.slice(i)], depth + 1);
        }
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) break;
        node = pair.value;
        found = pair.key;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) break;
        node = item;
        found = item;
      } else {
        break;
      }
    }
    const range = (found as Node | undefined)?.range;
    const pos = range ? file.lines.linePos(range[0]) : { line: 1, col: 1 };
    return { file: relative(this.cwd, file.path), line: pos.line, col: pos.col };
  }
}

function resolveRef(fromFile: string, ref: string): Target {
  const [filePart, fragment = ''] = ref.split('#');
  const file = filePart ? resolve(dirname(fromFile), filePart) : fromFile;
  const pointer = fragment
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  return { file, pointer };
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYaml(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(resolve(path));
  }
  return out;
}
