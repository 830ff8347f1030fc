// The fused topology has no I/O shell for the zerodha venue's Kite calls: a tree with zerodha active
// in it is refused at start with the catalogued ERR_BROKER_UNSUPPORTED naming the way out; the split
// tree gets a zerodha trading engine next to paper's.
import { describe, expect, it } from 'vitest';
import { buildTree } from '../../../actors/tree.js';
import { isAppError } from '../../../src/errors.js';
import type { ActorSpec, ChildSpec } from '../../../src/runtime/tree.js';
import { pipelineConfig } from '../../support/pipeline.js';

const live = { BROKERS__ACTIVE: 'paper,zerodha', ZERODHA__ENABLED: 'true', ZERODHA__API_KEY: 'k', ZERODHA__API_SECRET: 's' };

function names(c: ChildSpec): string[] {
  return c.kind === 'supervisor' ? c.children.flatMap(names) : [(c as ActorSpec).name];
}

describe('zerodha and the topologies', () => {
  it('refuses the fused topology with zerodha active', () => {
    let caught: unknown;
    try {
      buildTree(pipelineConfig('/tmp/unused', { ...live, RUNTIME__TOPOLOGY: 'fused' }));
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'ERR_BROKER_UNSUPPORTED')).toBe(true);
    expect((caught as Error).message).toContain('RUNTIME__TOPOLOGY=split');
  });

  it('runs a zerodha trading engine next to paper in the split topology', () => {
    const tree = buildTree(pipelineConfig('/tmp/unused', { ...live, RUNTIME__TOPOLOGY: 'split' }));
    expect(names(tree)).toEqual(expect.arrayContaining(['trading-core-paper', 'risk-manager', 'trading-engine-zerodha']));
    // Paper only in the fused topology is unaffected
    expect(() => buildTree(pipelineConfig('/tmp/unused', { RUNTIME__TOPOLOGY: 'fused' }))).not.toThrow();
  });
});
