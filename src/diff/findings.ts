/** What the diff reports: one finding per change, naming the operation, the pointers and the rule. @module */
import { rules, type RuleId } from './rules.js';

export interface OperationRef {
  method: string;
  path: string;
  operationId?: string;
}

export interface Finding {
  rule: RuleId;
  breaking: boolean;
  /** The operation the change affects; absent for changes that belong to no operation. */
  operation?: OperationRef;
  /** Where in the operation, in words: `request body application/json: messages[].role`. */
  location: string;
  /** What changed. */
  message: string;
  /**
   * JSON pointers into each (bundled) document. A side where the thing is absent points at the
   * place it is missing from.
   */
  old: string;
  new: string;
}

/** Collects the findings of one operation (or of the document). */
export class Findings {
  readonly list: Finding[] = [];

  report(operation: OperationRef | undefined, rule: RuleId, location: string, message: string, oldPointer: string, newPointer: string): void {
    this.list.push({ rule, breaking: rules[rule].breaking, ...(operation ? { operation } : {}), location, message, old: oldPointer, new: newPointer });
  }
}

/** Breaking first, then by path, method, location and rule: the same input always reads the same. */
export function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => [f.breaking ? '0' : '1', f.operation?.path ?? '', f.operation?.method ?? '', f.location, f.rule, f.old, f.new, f.message];
  return [...findings].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}
