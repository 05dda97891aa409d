/**
 * Test helper (test-util.ts: left out of the build, like ../test-util.ts): type-check files with the workspace's compiler
 * options, so that a test can assert that a `// @ts-expect-error` line really is a compile
 * error (an unused directive is error TS2578). Vitest itself only strips types.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, incremental: false };
}

export interface TypeError { file: string; line: number; code: number; message: string }

/**
 * Compile errors of `files` (absolute paths); `virtual` maps further absolute paths to source text
 * (checked too; placed beside real files so their imports resolve the same way).
 */
export function typeErrors(files: string[], virtual: Record<string, string> = {}): TypeError[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f in virtual || fileExists.call(host, f);
  host.readFile = (f) => virtual[f] ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => (f in virtual ? ts.createSourceFile(f, virtual[f], lang) : getSourceFile.call(host, f, lang, ...rest));
  const roots = [...files, ...Object.keys(virtual)];
  const program = ts.createProgram(roots, options, host);
  return roots.flatMap((f) => {
    const source = program.getSourceFile(f);
    if (!source) throw new Error(`typeErrors: ${f} not found`);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  }).map((d) => ({
      file: d.file?.fileName ?? '', line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
}
