import { BUILTIN_BLOCK_NAMES, BUILTIN_CATALOG } from '../../constructs/catalog/builtin';

describe('the built-in block names', () => {
  it('are exactly the names of the built-in catalog, so the compile-time check and the catalog agree', () => {
    expect([...BUILTIN_BLOCK_NAMES].sort()).toEqual(BUILTIN_CATALOG.map((e) => e.name).sort());
  });
});
