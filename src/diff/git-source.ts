/**
 * Reading files as they were at a git revision, for `git:REF:path` sources: every `$ref` of such a
 * spec resolves at the same commit. One `git cat-file --batch` process answers every read of a
 * revision (a process per file costs seconds on a spec split over a hundred files).
 * @module
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import { DiffInputError } from './errors.js';

const run = promisify(execFile);

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  const text = stderr?.trim() || (error instanceof Error ? error.message : String(error));
  return text.split('\n')[0]!.replace(/^fatal: /, '');
}

/** One revision of the repository around a directory, pinned to its commit so that every read agrees. */
export class GitRevision {
  private batch?: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ path: string; resolve: (text: string) => void; reject: (error: Error) => void }> = [];

  private constructor(
    readonly ref: string,
    readonly commit: string,
    /** Absolute path of the work tree's top: files at the revision are named as if checked out there. */
    readonly root: string,
  ) {}

  static async open(ref: string, cwd: string): Promise<GitRevision> {
    let root: string;
    try {
      root = (await run('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DiffInputError(`git:${ref}: git is not installed`);
      throw new DiffInputError(`git:${ref}: ${cwd} is not inside a git repository (${firstLine(error)})`);
    }
    try {
      const commit = (await run('git', ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], { cwd: root })).stdout.trim();
      return new GitRevision(ref, commit, root);
    } catch {
      throw new DiffInputError(`git:${ref}: unknown git revision "${ref}" (not a branch, tag or commit of ${root})`);
    }
  }

  /** The file at `relativePath` (from the repository's top) as it is in this revision. */
  read(relativePath: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const batch = this.start();
      this.waiting.push({ path: relativePath, resolve, reject });
      batch.stdin.write(`${this.commit}:${relativePath}\n`);
    });
  }

  close(): void {
    this.batch?.stdin.end();
    this.batch = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.batch) return this.batch;
    const batch = spawn('git', ['cat-file', '--batch'], { cwd: this.root });
    batch.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (why: string) => {
      for (const w of this.waiting.splice(0)) w.reject(new DiffInputError(`git:${this.ref}:${w.path}: could not read (${why})`));
    };
    batch.on('error', (error) => fail(error.message));
    batch.on('exit', (code) => fail(`git cat-file exited with ${code}`));
    this.batch = batch;
    return batch;
  }

  /** Answers are `<object> <type> <size>\n<content>\n`, or `<name> missing\n`, in request order. */
  private drain(): void {
    for (;;) {
      const next = this.waiting[0];
      const newline = this.buffer.indexOf(10);
      if (!next || newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      const match = / (\w+) (\d+)$/.exec(header);
      if (!match) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.waiting.shift();
        next.reject(new DiffInputError(`git:${this.ref}:${next.path}: no such file at ${this.ref}`));
        continue;
      }
      const size = Number(match[2]);
      if (this.buffer.length < newline + 1 + size + 1) return;
      const body = this.buffer.subarray(newline + 1, newline + 1 + size).toString('utf8');
      this.buffer = this.buffer.subarray(newline + 1 + size + 1);
      this.waiting.shift();
      if (match[1] === 'blob') next.resolve(body);
      else next.reject(new DiffInputError(`git:${this.ref}:${next.path}: a ${match[1]} at ${this.ref}, not a file`));
    }
  }
}
