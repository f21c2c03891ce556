/** Shared helpers for the fake-model suites: an independent ajv and a request builder. @module */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { TurnBudget } from '../../../src/event-loop/turn-budget.js';

/** A checker that is not the one the fake model uses internally, so the tests judge it from outside. */
export function makeAjv() {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/** `count` consecutive seeds starting at `from`. */
export function seeds(count: number, from = 1): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** A budget that is always spent and counts the turns the work waited for. */
export class CountingBudget extends TurnBudget {
  turns = 0;
  override spent(): boolean {
    return true;
  }
  override async nextTurn(): Promise<void> {
    this.turns++;
    await super.nextTurn();
  }
}
