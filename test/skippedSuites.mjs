// A reporter for node's test runner (test/run.mjs passes it with --test-reporter): writes one
// JSON line per suite whose tests all skipped, `{ file, suite }`. A suite skipped as a whole
// (`describe(…, { skip })`, e.g. without root) counts, and so does a suite whose own tests each
// skipped; a file's tests outside any suite count as that file's suite. The same rule as the
// editor tier's (test/integration/index.ts): such a suite proves nothing about what it names.
export default async function* skippedSuites(source) {
  // Per file and nesting level, the finished tests and suites not yet claimed by their parent
  // (the runner reports children before their parent).
  const open = new Map();
  const levels = (file) => open.get(file) ?? open.set(file, new Map()).get(file);
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { file, nesting, name, skip, todo, details } = event.data;
    if (!file) continue;
    const byLevel = levels(file);
    const children = byLevel.get(nesting + 1) ?? [];
    byLevel.delete(nesting + 1);
    const isSuite = details?.type === 'suite';
    const skipped = (skip !== undefined && skip !== false) || (todo !== undefined && todo !== false);
    if (isSuite && allSkipped(skipped, children)) yield `${JSON.stringify({ file, suite: name })}\n`;
    const siblings = byLevel.get(nesting) ?? [];
    siblings.push({ isSuite, skipped });
    byLevel.set(nesting, siblings);
  }
  for (const [file, byLevel] of open) {
    if (allSkipped(false, byLevel.get(0) ?? [])) yield `${JSON.stringify({ file, suite: '(tests outside any suite)' })}\n`;
  }
}

/** Skipped as a whole, or has tests of its own and every one of them skipped. */
function allSkipped(skippedItself, children) {
  if (skippedItself) return true;
  const tests = children.filter((c) => !c.isSuite);
  return tests.length > 0 && tests.every((t) => t.skipped);
}
