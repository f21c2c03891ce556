/**
 * Reading files as they were at a git revision (`git show REV:path`), for `git:REF:path` sources:
 * every `$ref` of such a spec resolves at the same commit.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DiffInputError } from './errors.js';

const run = promisify(execFile);
const maxFileBytes = 64 * 1024 * 1024;

/** One revision of the repository around `cwd`, pinned to its commit so that every read agrees. */
export interface GitRevision {
  ref: string;
  commit: string;
  /** Absolute path of the work tree's top: files at the revision are named as if checked out there. */
  root: string;
}

async function git(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: maxFileBytes, encoding: 'utf8' });
  return stdout;
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  const text = stderr?.trim() || (error instanceof Error ? error.message : String(error));
  return text.split('\n')[0]!.replace(/^fatal: /, '');
}

export async function openRevision(ref: string, cwd: string): Promise<GitRevision> {
  let root: string;
  try {
    root = (await git(['rev-parse', '--show-toplevel'], cwd)).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DiffInputError(`git:${ref}: git is not installed`);
    throw new DiffInputError(`git:${ref}: ${cwd} is not inside a git repository (${firstLine(error)})`);
  }
  try {
    const commit = (await git(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], root)).trim();
    return { ref, commit, root };
  } catch {
    throw new DiffInputError(`git:${ref}: unknown git revision "${ref}" (not a branch, tag or commit of ${root})`);
  }
}

/** The file at `relativePath` (from the repository's top) as it is in `revision`. */
export async function readAtRevision(revision: GitRevision, relativePath: string): Promise<string> {
  try {
    return await git(['show', `${revision.commit}:${relativePath}`], revision.root);
  } catch (error) {
    throw new DiffInputError(`git:${revision.ref}:${relativePath}: no such file at ${revision.ref} (${firstLine(error)})`);
  }
}
