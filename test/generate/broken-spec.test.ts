import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spec.js';
import { runTs } from '../helpers/run.js';
import { copyOfSpec, snapshot } from '../helpers/spec-copy.js';

const script = `${repoRoot}scripts/generate.ts`;

/** Adds `POST <path>` to the LMI root, described by `pathFile` under spec/paths/broken/. */
function addPath(dir: string, path: string, file: string, yaml: string): void {
  mkdirSync(join(dir, 'spec/paths/broken'), { recursive: true });
  writeFileSync(join(dir, 'spec/paths/broken', file), yaml);
  const root = parseDocument(readFileSync(join(dir, 'spec/lmi.yaml'), 'utf8'));
  root.setIn(['paths', path], { $ref: `paths/broken/${file}` });
  writeFileSync(join(dir, 'spec/lmi.yaml'), root.toString());
}

function operation(operationId: string, schema: string): string {
  return `post:
  operationId: ${operationId}
  requestBody:
    content:
      application/json:
        schema:
${schema}
  responses:
    '200':
      description: ok
`;
}

describe('a broken spec stops generation with file, line and the problem, and leaves generated/ untouched', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  async function generateBroken(breakIt: (dir: string) => void) {
    const copy = copyOfSpec();
    cleanup = copy.cleanup;
    breakIt(copy.dir);
    const before = snapshot(join(copy.dir, 'generated'));
    const result = await runTs(script, [], { cwd: copy.dir });
    expect(result.code).toBe(1);
    expect(snapshot(join(copy.dir, 'generated'))).toEqual(before);
    expect(result.stderr).toMatch(/generated\/ left unchanged/);
    return result.stderr;
  }

  it('bad YAML', async () => {
    const stderr = await generateBroken((dir) => {
      mkdirSync(join(dir, 'spec/paths/broken'), { recursive: true });
      writeFileSync(join(dir, 'spec/paths/broken/bad.yaml'), 'post:\n  operationId: x\n  tags: [a, b\n  summary: y\n');
    });
    expect(stderr).toMatch(/spec\/paths\/broken\/bad\.yaml:\d+:\d+: invalid YAML/);
  });

  it('dangling $ref', async () => {
    const stderr = await generateBroken((dir) =>
      addPath(dir, '/broken', 'dangling.yaml', operation('brokenDangling', "          $ref: '../../schemas/common.yaml#/NoSuchSchema'")),
    );
    expect(stderr).toContain("spec/paths/broken/dangling.yaml:7:11: Can't resolve $ref '../../schemas/common.yaml#/NoSuchSchema'");
  });

  it('duplicate operationId', async () => {
    const stderr = await generateBroken((dir) => {
      addPath(dir, '/broken-a', 'a.yaml', operation('brokenTwice', '          type: object'));
      addPath(dir, '/broken-b', 'b.yaml', operation('brokenTwice', '          type: object'));
    });
    expect(stderr).toMatch(/spec\/paths\/broken\/b\.yaml:2:\d+: duplicate operationId "brokenTwice" \(POST \/broken-b\); first used by POST \/broken-a at spec\/paths\/broken\/a\.yaml:2/);
  });

  it('invalid schema (not a JSON Schema type)', async () => {
    const stderr = await generateBroken((dir) =>
      addPath(dir, '/broken', 'bad-type.yaml', operation('brokenType', '          type: object\n          properties:\n            n:\n              type: integr')),
    );
    expect(stderr).toMatch(/spec\/paths\/broken\/bad-type\.yaml:10:\d+: invalid schema: \/properties\/n\/type must be equal to one of the allowed values/);
  });

  it('invalid schema (unknown keyword, rejected by ajv strict mode)', async () => {
    const stderr = await generateBroken((dir) =>
      addPath(dir, '/broken', 'typo.yaml', operation('brokenKeyword', '          type: object\n          propertis:\n            n:\n              type: integer')),
    );
    expect(stderr).toMatch(/spec\/paths\/broken\/typo\.yaml:8:\d+: invalid schema \(ajv strict mode\): strict mode: unknown keyword: "propertis"/);
  });

  it('a keyword the validators are compiled without (unevaluatedProperties)', async () => {
    const stderr = await generateBroken((dir) =>
      addPath(dir, '/broken', 'unevaluated.yaml', operation('brokenUnevaluated', '          type: object\n          unevaluatedProperties: false')),
    );
    expect(stderr).toMatch(/spec\/paths\/broken\/unevaluated\.yaml:8:\d+: `unevaluatedProperties` is not supported/);
  });
});
