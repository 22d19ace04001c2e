import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Source runs from src/lib, the build from dist/src/lib: walk up to package.json.
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

const root = findRoot();

/** A path inside the project (views/, migrations/, public/), wherever the code runs from. */
export function projectPath(...parts: string[]): string {
  return path.join(root, ...parts);
}
