import { describe, expect, it } from 'vitest';
import { AlphaPandaError } from '../../../src/errors.js';
import { commandTable } from '../../../src/runtime/actor.js';

describe('commandTable', () => {
  const call = commandTable({ status: () => 'ok', echo: (arg) => arg });

  it('dispatches by name with the argument', () => {
    expect(call('status', undefined)).toBe('ok');
    expect(call('echo', { a: 1 })).toEqual({ a: 1 });
  });

  it('answers any other name, inherited object keys included, with ERR_COMMAND_INVALID listing the known ones', () => {
    for (const name of ['stat', 'toString', '__proto__', 'constructor', '']) {
      let err: unknown;
      try {
        call(name, undefined);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(AlphaPandaError);
      expect((err as AlphaPandaError).code).toBe('ERR_COMMAND_INVALID');
      expect((err as AlphaPandaError).message).toContain('expected one of status, echo');
    }
  });
});
