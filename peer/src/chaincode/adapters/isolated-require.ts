import { readFileSync } from 'node:fs';
import { isBuiltin, Module } from 'node:module';
import { join, relative, sep } from 'node:path';

interface CompilableModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  _compile(source: string, filename: string): void;
}

type ResolveFilename = (this: unknown, request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

const isInside = (root: string, file: string): boolean => {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
};

/**
 * Requires the CommonJS module `main` so that, while it loads, it and the files it loads can
 * reach Node's built-ins and files under `root` only, as on a Fabric peer's builder where nothing
 * but the package is on disk: its bare requires are looked up in `root/node_modules` alone, and
 * a require from inside `root` that resolves outside it (the peer's or the repository's
 * node_modules, a `../` path) throws. Module loading is synchronous, so the check covers all of
 * it; a package that requires lazily later is not watched. Throws a plain Error (the module's
 * own, Node's MODULE_NOT_FOUND, or one naming the escaping require).
 */
export function requireIsolated(main: string, root: string): unknown {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  const fromPackage = (parent: { filename?: string | null } | undefined): parent is { filename: string } =>
    typeof parent?.filename === 'string' && (parent.filename === main || isInside(root, parent.filename));
  loader._resolveFilename = function (request, parent, ...rest) {
    const resolved = original.call(this, request, parent, ...rest);
    if (fromPackage(parent) && !isBuiltin(resolved) && !isInside(root, resolved)) {
      throw new Error(`${relative(root, parent.filename)} requires ${request}, which resolves outside the package (${resolved})`);
    }
    return resolved;
  };
  try {
    const mod = new Module(main) as unknown as CompilableModule;
    mod.filename = main;
    mod.paths = [join(root, 'node_modules')];
    mod._compile(readFileSync(main, 'utf8'), main);
    mod.loaded = true;
    return mod.exports;
  } finally {
    loader._resolveFilename = original;
  }
}
