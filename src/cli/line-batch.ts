/**
 * Log lines to a stream, gathered per turn of the event loop: one write for all the lines of a
 * turn. A server ending thousands of streams at once writes thousands of request lines, and a
 * write to a pipe or file is a blocking system call each. @module
 */
export class LineBatch {
  private pending = '';
  private scheduled = false;

  constructor(private readonly out: { write(text: string): unknown }) {}

  /** Queues `line` (without its newline); it is written at the end of this turn. */
  readonly add = (line: string): void => {
    this.pending += `${line}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  };

  /** Writes what is queued now (also before the process ends). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.out.write(text);
  };
}
