/**
 * Where Redocly's bundler reads the files a spec's `$ref`s name: from disk, over HTTP, or at a git
 * revision (files named as if the revision were checked out at the repository's top).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { BaseResolver, Source } from '@redocly/openapi-core';
import { DiffInputError } from './errors.js';
import type { GitRevision } from './git-source.js';
import { fetchText } from './http-source.js';

export function isUrl(ref: string): boolean {
  return /^https?:\/\//i.test(ref);
}

export class SpecResolver extends BaseResolver {
  constructor(private readonly revision?: GitRevision) {
    super();
  }

  override async loadExternalRef(absoluteRef: string): Promise<Source> {
    if (isUrl(absoluteRef)) {
      const fetched = await fetchText(absoluteRef);
      return new Source(absoluteRef, fetched.body, fetched.contentType);
    }
    if (this.revision) {
      const inRepo = relative(this.revision.root, absoluteRef);
      if (inRepo.startsWith('..')) throw new DiffInputError(`${absoluteRef} is outside the repository read at git revision ${this.revision.ref}`);
      return new Source(absoluteRef, await this.revision.read(inRepo.split(sep).join('/')));
    }
    try {
      return new Source(absoluteRef, (await readFile(absoluteRef, 'utf8')).replace(/\r\n/g, '\n'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new DiffInputError(`${shownPath(absoluteRef)}: cannot read (${why})`);
    }
  }
}

/** A path as the user would type it: relative to the working directory when under it. */
export function shownPath(absolutePath: string): string {
  const shown = relative(process.cwd(), absolutePath);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? absolutePath : shown;
}
