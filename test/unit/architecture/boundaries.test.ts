// The layering of the code base, checked on every `npm test` (dependency-cruiser over the real
// import graph, TypeScript sources): the rules below are the README's "Code layout" made
// executable, so a layer breach fails the build instead of depending on review.
import { describe, expect, it } from 'vitest';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { projectRoot } from '../../../src/runtime/system.js';

const NODE_IO = '^(node:)?(fs|fs/promises|worker_threads|child_process|net|http|https|dgram|cluster)$';

const forbidden: IForbiddenRuleType[] = [
  {
    name: 'domain-is-pure',
    comment: 'src/domain is pure business logic: itself, the error catalogue and zod (schemas); no I/O, storage, runtime or protocol',
    severity: 'error',
    from: { path: '^src/domain/' },
    to: { pathNot: ['^src/domain/', '^src/errors\\.ts$', 'node_modules/zod/'] },
  },
  {
    name: 'protocol-is-contracts',
    comment: 'src/protocol holds message contracts over domain types only',
    severity: 'error',
    from: { path: '^src/protocol/' },
    to: { pathNot: ['^src/protocol/', '^src/domain/', '^src/errors\\.ts$'] },
  },
  {
    name: 'behaviours-are-pure',
    comment: 'behaviours (src/services/trading) get time and data in messages: no storage, transport, runtime services or I/O',
    severity: 'error',
    from: { path: '^src/services/trading/' },
    to: { path: ['^src/store/', '^src/transport/', '^src/runtime/(?!behaviour\\.ts$)', '^src/gateway/', 'node_modules/lmdb', NODE_IO] },
  },
  {
    name: 'lower-layers-know-no-services',
    comment: 'store, transport and runtime are generic: they never import services, the gateway or actors',
    severity: 'error',
    from: { path: '^src/(store|transport|runtime)/' },
    to: { path: ['^src/services/', '^src/gateway/', '^actors/'] },
  },
  {
    name: 'transport-below-runtime',
    comment: 'transport (rings, channels, pump) does not depend on the runtime or storage',
    severity: 'error',
    from: { path: '^src/transport/' },
    to: { path: ['^src/runtime/', '^src/store/', 'node_modules/lmdb'] },
  },
  {
    name: 'runtime-carries-records-it-does-not-know',
    comment: 'rings carry binary records (market ticks) without the runtime or transport knowing their layout: the tick codec and its channel live in src/protocol/tick-record.ts and src/services/feed/tick-channel.ts',
    severity: 'error',
    from: { path: '^src/(runtime|transport)/' },
    to: { path: ['^src/protocol/tick-record\\.ts$', '^src/services/feed/'] },
  },
  {
    name: 'transport-knows-no-contracts',
    comment: 'transport moves bytes and JSON: no message contract or domain type',
    severity: 'error',
    from: { path: '^src/transport/' },
    to: { path: ['^src/protocol/', '^src/domain/'] },
  },
  {
    name: 'src-never-imports-entry-points',
    comment: 'actors/, bench/ and test/ are entry points; src never depends on them',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: ['^actors/', '^bench/', '^test/'] },
  },
];

describe('import boundaries', () => {
  it('hold over src/ and actors/', async () => {
    const root = projectRoot();
    const prev = process.cwd();
    process.chdir(root);
    try {
      const result = await cruise(['src', 'actors'], {
        validate: true,
        ruleSet: { forbidden },
        tsPreCompilationDeps: true,
        doNotFollow: { path: 'node_modules' },
        exclude: { path: ['^src/gateway/web/'] },
        tsConfig: { fileName: 'tsconfig.json' },
      });
      const output = result.output as { summary: { violations: { from: string; to: string; rule: { name: string } }[]; totalCruised: number } };
      const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
      // The graph was really read (a misconfigured resolver would cruise nothing and pass)
      expect(output.summary.totalCruised).toBeGreaterThan(200);
      expect(violations).toEqual([]);
    } finally {
      process.chdir(prev);
    }
  }, 120_000);
});
