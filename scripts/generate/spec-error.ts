/** A broken spec: every problem with the file, line and column where it was written. @module */

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface SpecProblem {
  location: SourceLocation;
  message: string;
}

export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
  }
}

export function formatProblem(problem: SpecProblem): string {
  const { file, line, col } = problem.location;
  return `${file}:${line}:${col}: ${problem.message}`;
}
