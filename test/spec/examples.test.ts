import { describe, expect, it } from 'vitest';
import { apiNames, buildVerdicts, deref, examplesOf, formatErrors, operations, validatorsOf } from '../helpers/spec.js';

describe.each(apiNames)('every example in the %s document validates against its schema', (api) => {
  const ops = operations(api);

  it('has operations', () => {
    expect(ops.length).toBeGreaterThan(0);
  });

  for (const op of ops) {
    it(`${op.operationId}: request and response examples`, async () => {
      const validators = (await validatorsOf(api))[op.operationId]!;
      let checked = 0;
      const body = deref(api, op.operation.requestBody);
      for (const [mediaType, media] of Object.entries<any>(body?.content ?? {})) {
        const validate = validators.request[mediaType]!;
        const examples = examplesOf(api, media);
        expect(examples.length, `request ${mediaType} has an example`).toBeGreaterThan(0);
        for (const [name, value] of examples) {
          expect(validate(value), `request example "${name}" (${mediaType}): ${formatErrors(validate.errors)}`).toBe(true);
          expect(await buildVerdicts(api, validate, value)).toEqual({ accept: true, explain: true });
          checked++;
        }
      }
      for (const [status, rawResponse] of Object.entries<any>(op.operation.responses)) {
        for (const [mediaType, media] of Object.entries<any>(deref(api, rawResponse).content ?? {})) {
          const validate = validators.responses[status]![mediaType]!;
          const examples = examplesOf(api, media);
          expect(examples.length, `response ${status} ${mediaType} has an example`).toBeGreaterThan(0);
          for (const [name, value] of examples) {
            expect(validate(value), `response ${status} ${mediaType} example "${name}": ${formatErrors(validate.errors)}`).toBe(true);
            expect(await buildVerdicts(api, validate, value)).toEqual({ accept: true, explain: true });
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(1);
    });
  }
});
