/**
 * Node arguments to run a TypeScript entry point in a child process with the
 * TypeScript loader tap gave this test: the child's coverage then maps onto
 * the same compiled sources as the tests' own (tsx would garble the report).
 */
export function nodeArgsFor(script: string): string[] {
  const tapLoader = process.execArgv.filter((arg) => arg.includes('@tapjs/typescript') || arg === '--enable-source-maps');
  return [...(tapLoader.length ? tapLoader : ['--import', 'tsx']), script];
}
