import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faults } from '../../src/server/faults.js';
import { operationTable } from '../../src/server/operations/index.js';
import { repoRoot } from '../helpers/spec.js';

const readme = readFileSync(`${repoRoot}README.md`, 'utf8');

describe('README', () => {
  it('has a Quick start of exactly the two commands', () => {
    const quickStart = readme.split('## Quick start')[1]!.split('\n## ')[0]!;
    const commands = [...quickStart.matchAll(/```sh\n([^`]+)```/g)].map((m) => m[1]!.trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('documents every fault', () => {
    for (const name of Object.keys(faults)) expect(readme, name).toContain(`| \`${name}`);
  });

  it('documents every variant of every operation', () => {
    for (const ops of Object.values(operationTable)) {
      for (const [operationId, op] of Object.entries(ops)) {
        for (const name of Object.keys(op.variants ?? {})) expect(readme, `${operationId} ${name}`).toMatch(new RegExp(`\\| \`${name}\` \\|[^\\n]*${operationId}`));
      }
    }
  });
});
