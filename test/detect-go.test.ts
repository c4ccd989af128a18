import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectGo } from '../src/languages/go/detect.js';
import { mainByRule } from '../src/languages/go/mains.js';
import { detectProject } from '../src/pipeline/detect.js';
import { parseGoMod } from '../src/languages/go/gomod.js';
import { ProjectFiles } from '../src/project.js';
import { fixture, makeProject, runCli } from './helpers.js';

const detect = (name: string) => detectGo(new ProjectFiles(fixture(name)));

describe('go.mod parsing', () => {
  it('reads module, go, toolchain and both require forms with their lines', () => {
    const mod = parseGoMod('module example.com/x // the module\n\ngo 1.22.1\ntoolchain go1.23.4\nrequire a.example/b v1.0.0\nrequire (\n\tc.example/d v0.1.0 // indirect\n)\n');
    expect(mod.module).toEqual({ path: 'example.com/x', line: 1 });
    expect(mod.go).toEqual({ version: '1.22.1', line: 3 });
    expect(mod.toolchain).toEqual({ version: 'go1.23.4', line: 4 });
    expect(mod.requires.map((r) => [r.path, r.line])).toEqual([
      ['a.example/b', 5],
      ['c.example/d', 7],
    ]);
  });

  it.each([
    ['go one.twenty\nmodule x\n', 'go.mod:1: invalid go version "one.twenty"'],
    ['module x\nrequire (\n\ta v1.0.0\n', 'go.mod:2: "require (" is never closed'],
    ['go 1.22\n', 'go.mod: no module directive'],
    ['module x\nfrobnicate y\n', 'go.mod:2: unknown directive "frobnicate"'],
    ['module x\nmodule y\n', 'go.mod:2: repeated module directive'],
  ])('rejects %j with a message naming the line', (text, message) => {
    expect(() => parseGoMod(text)).toThrow(message);
  });
});

describe('detectGo on fixtures', () => {
  it('go-root-main: root main package, explicit port, no cgo', () => {
    const facts = detect('go-root-main');
    expect(facts.module).toEqual({ value: 'github.com/stagecraft-fixtures/hello', evidence: { file: 'go.mod', line: 1 } });
    expect(facts.runtimeVersion).toEqual({ value: '1.22', evidence: { file: 'go.mod', line: 3 } });
    expect(facts.mainPackages).toEqual([{ value: '.', evidence: { file: 'main.go' } }]);
    expect(facts.cgo.value).toBe(false);
    expect(facts.ports).toEqual([{ value: 8080, evidence: { file: 'main.go', line: 19 } }]);
    expect(facts.servesNetwork.value).toBe(true);
    expect(facts.goSum.value).toBe(false);
  });

  it('go-cmd-layout: every cmd/* main, not the //go:build ignore generator; toolchain wins', () => {
    const facts = detect('go-cmd-layout');
    expect(facts.mainPackages.map((main) => main.value)).toEqual(['./cmd/api', './cmd/worker']);
    expect(facts.runtimeVersion).toEqual({ value: '1.23', evidence: { file: 'go.mod', line: 5 } });
    expect(facts.readsPortEnv).toEqual({ value: true, evidence: { file: 'cmd/api/main.go', line: 13 } });
    expect(facts.ports).toEqual([]);
  });

  it("mise.toml and .tool-versions: the newest of go, toolchain and the version manager's pin builds", () => {
    const go = (files: Record<string, string>) => detectGo(makeProject({ 'go.mod': 'module example.com/m\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n', ...files }));
    expect(go({ 'mise.toml': '[tools]\ngo = "1.24.2"\n' }).runtimeVersion).toEqual({ value: '1.24', evidence: { file: 'mise.toml', line: 2 } });
    expect(go({ '.tool-versions': 'golang 1.23.1\n' }).runtimeVersion).toEqual({ value: '1.23', evidence: { file: '.tool-versions', line: 1 } });
    expect(go({ '.tool-versions': 'golang 1.21.0\n' }).runtimeVersion).toEqual({ value: '1.22', evidence: { file: 'go.mod', line: 3 } });
    expect(() => go({ 'mise.toml': '[tools]\ngo = "latest"\n' })).toThrow('mise.toml:2: go "latest" is not a Go release such as 1.23 or 1.23.4');
  });

  it('folders the program opens by relative paths ship in its working directory; packages, embedded and missing folders do not', async () => {
    const files = {
      'go.mod': 'module example.com/site\n\ngo 1.24\n',
      'main.go': [
        'package main',
        '',
        'import (',
        '\t"embed"',
        '\t"net/http"',
        '\t"example.com/site/handlers"',
        ')',
        '',
        '//go:embed assets',
        'var assets embed.FS',
        '',
        'func main() {',
        '\tengine := html.New("./views", ".html")',
        '\ttmpl := template.Must(template.ParseGlob("web/templates/*.tmpl"))',
        '\tdb, _ := sql.Open("sqlite3", "./site.db")',
        '\thttp.Handle("/static/", http.FileServer(http.Dir("missing")))',
        '\thandlers.Register("handlers", "assets")',
        '\thttp.ListenAndServe(":8080", nil)',
        '}',
        '',
      ].join('\n'),
      'handlers/handlers.go': 'package handlers\n\nfunc Register(a, b string) {}\n',
      'views/index.html': '<p>hi</p>\n',
      'web/templates/page.tmpl': '{{.}}\n',
      'web/main.js': '',
      'assets/logo.svg': '<svg/>\n',
    };
    const facts = detectGo(makeProject(files));
    expect(facts.runtimeFolders).toEqual([
      { value: 'views', evidence: { file: 'main.go', line: 13 } },
      { value: 'web/templates', evidence: { file: 'main.go', line: 14 } },
    ]);
    expect(facts.createsFile).toEqual({ value: 'site.db', evidence: { file: 'main.go', line: 15 } });
    const result = await runCli([makeProject(files).root, '--yes', '--base', 'slim', '--stdout']);
    expect(result.stdout).toContain(' && cp -R views /runtime/app/ \\\n && cp -R web/templates /runtime/app/web/');
    expect(result.stdout).toContain('chgrp 65532 /runtime/app && chmod 1775 /runtime/app');
    expect(result.stdout).toContain('COPY --from=build /runtime/ /\nWORKDIR /app\nUSER 65532:65532');
    // A program that reads nothing by a relative path keeps the base's working directory.
    const plain = await runCli([fixture('go-root-main'), '--yes', '--base', 'slim', '--stdout']);
    expect(plain.stdout).not.toContain('/runtime/');
  });

  it('go.work: the modules it uses build together; main packages of all of them, named from the root', () => {
    const facts = detectGo(
      makeProject({
        'go.work': 'go 1.24\n\nuse (\n\t./api\n\t./lib\n)\n',
        'api/go.mod': 'module example.com/api\n\ngo 1.24\n',
        'api/go.sum': '',
        'api/cmd/server/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
        'lib/go.mod': 'module example.com/lib\n\ngo 1.23\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n',
        'lib/lib.go': 'package lib\n',
        'tools/go.mod': 'module example.com/tools\n\ngo 1.24\n',
        'tools/main.go': 'package main\n\nfunc main() {}\n',
      }),
    );
    expect(facts.layout).toEqual({ value: 'workspace', evidence: { file: 'go.work', line: 4 } });
    expect(facts.workspaceModules).toEqual(['api', 'lib']);
    // tools/ has its own go.mod and go.work does not use it: not a candidate.
    expect(facts.mainPackages.map((main) => main.value)).toEqual(['./api/cmd/server']);
    expect(facts.moduleFiles).toEqual(['go.work', 'api/go.mod', 'api/go.sum', 'lib/go.mod']);
    expect(facts.runtimeVersion).toEqual({ value: '1.24', evidence: { file: 'go.work', line: 1 } });
    expect(facts.cgo).toEqual({ value: true, evidence: { file: 'lib/go.mod', line: 5 } });
    expect(() => detectGo(makeProject({ 'go.work': 'go 1.24\n\nuse ./missing\n' }))).toThrow('go.work:3: use missing: no missing/go.mod in the folder');
  });

  it('main.go without go.mod: a module made in the build, named after the folder; inside a module it is a member built from the module root', () => {
    const project = makeProject({ 'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' });
    const facts = detectGo(project);
    expect(facts.layout).toEqual({ value: 'none', evidence: null });
    expect(facts.mainPackages.map((main) => main.value)).toEqual(['.']);
    expect(facts.moduleFiles).toEqual([]);
    expect(facts.thirdPartyImports.value).toBe(false);
    expect(facts.module.value).toBe(path.basename(project.root).toLowerCase());
    const withImports = detectGo(makeProject({ 'main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"github.com/google/uuid"\n)\n\nfunc main() { fmt.Println(uuid.New()) }\n' }));
    expect(withImports.thirdPartyImports).toEqual({ value: true, evidence: { file: 'main.go' } });
    const module = makeProject({ 'go.mod': 'module example.com/m\n\ngo 1.23\n', 'cmd/api/main.go': 'package main\n\nfunc main() {}\n' });
    const member = detectGo(new ProjectFiles(path.join(module.root, 'cmd/api')));
    expect(member.mainPackages).toEqual([{ value: './cmd/api', evidence: { file: 'main.go' } }]);
    expect(member.memberBuild).toEqual({ contextPath: '../..', memberPath: 'cmd/api' });
  });

  it("a main package in a module's sub-folder (no go.mod of its own): built from the module root, facts from its own sources, evidence from the folder", () => {
    const module = makeProject({
      'go.mod': 'module example.com/shop\n\ngo 1.24\n\nrequire github.com/labstack/echo/v4 v4.13.0\n',
      'go.sum': 'github.com/labstack/echo/v4 v4.13.0 h1:x=\n',
      'cookbook/hello/server.go':
        'package main\n\nimport (\n\t"github.com/labstack/echo/v4"\n)\n\nfunc main() {\n\te := echo.New()\n\te.Static("/", "public")\n\te.Start(":1323")\n}\n',
      'cookbook/hello/public/index.html': '<p>hi</p>\n',
      'cookbook/other/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":9000", nil) }\n',
      'internal/lib/lib.go': 'package lib\n',
    });
    const facts = detectGo(new ProjectFiles(path.join(module.root, 'cookbook/hello')));
    expect(facts.layout.value).toBe('module');
    expect(facts.module).toEqual({ value: 'example.com/shop', evidence: { file: '../../go.mod', line: 1 } });
    expect(facts.runtimeVersion).toEqual({ value: '1.24', evidence: { file: '../../go.mod', line: 3 } });
    // Only this folder's package: the module's other programs are not asked about.
    expect(facts.mainPackages).toEqual([{ value: './cookbook/hello', evidence: { file: 'server.go' } }]);
    expect(facts.moduleFiles).toEqual(['go.mod', 'go.sum']);
    expect(facts.memberBuild).toEqual({ contextPath: '../..', memberPath: 'cookbook/hello' });
    expect(facts.ports).toEqual([{ value: 1323, evidence: { file: 'server.go', line: 10 } }]);
    expect(facts.servesNetwork).toEqual({ value: true, evidence: { file: 'server.go', line: 4 } });
    expect(facts.runtimeFolders).toEqual([{ value: 'public', evidence: { file: 'server.go', line: 9 } }]);
    expect(facts.folderName).toBe('hello');
  });

  it('a sub-folder of a module whose Go files are no package main is refused with where to run instead', () => {
    const module = makeProject({ 'go.mod': 'module example.com/m\n\ngo 1.23\n', 'cmd/api/main.go': 'package main\n\nfunc main() {}\n', 'lib/lib.go': 'package lib\n' });
    expect(() => detectGo(new ProjectFiles(path.join(module.root, 'lib')))).toThrow(
      'no package main here (lib.go is package lib), and ../go.mod builds the module: run stagecraft in the folder of a main package (main packages of the module: ./cmd/api)',
    );
  });

  it('a PORT read with a literal assigned when it is empty: that literal is the port (gofiber cloud-run)', () => {
    const facts = detectGo(
      makeProject({
        'go.mod': 'module example.com/run\n\ngo 1.23\n',
        'main.go':
          'package main\n\nimport (\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "3000"\n\t}\n\thttp.ListenAndServe(":"+port, nil)\n}\n',
      }),
    );
    expect(facts.ports).toEqual([{ value: 3000, evidence: { file: 'main.go', line: 11 } }]);
    expect(facts.readsPortEnv.value).toBe(true);
  });

  it('several main packages: a rule picks the one named after the module or folder, the only one that listens, or the one named like a server', () => {
    const pick = (files: Record<string, string>) => mainByRule(detectGo(makeProject({ 'go.mod': 'module example.com/shop/v2\n\ngo 1.23\n', ...files })))?.main ?? null;
    const tool = 'package main\n\nfunc main() {}\n';
    const server = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n';
    expect(pick({ 'cmd/shop/main.go': tool, 'cmd/api/main.go': server })).toBe('./cmd/shop');
    expect(pick({ 'cmd/migrate/main.go': tool, 'cmd/api/main.go': server })).toBe('./cmd/api');
    expect(pick({ 'cmd/migrate/main.go': server, 'cmd/server/main.go': server })).toBe('./cmd/server');
    expect(pick({ 'cmd/a/main.go': server, 'cmd/b/main.go': server })).toBeNull();
    expect(pick({ 'cmd/a/main.go': tool, 'cmd/b/main.go': tool })).toBeNull();
  });

  it('go-cgo: import "C" is found with its line, and the program is not a server', () => {
    const facts = detect('go-cgo');
    expect(facts.cgo).toEqual({ value: true, evidence: { file: 'main.go', line: 7 } });
    expect(facts.cgoReason).toBe('import "C" in main.go');
    expect(facts.servesNetwork.value).toBe(false);
  });

  it('go-missing-gosum: requires modules without go.sum', () => {
    const facts = detect('go-missing-gosum');
    expect(facts.requiresModules).toBe(true);
    expect(facts.goSum.value).toBe(false);
  });

  it('go-vendored: vendor/modules.txt means nothing to download', () => {
    expect(detect('go-vendored').vendored).toEqual({ value: true, evidence: { file: 'vendor/modules.txt' } });
  });

  it('go-malformed: a one-line error naming the file and line', () => {
    expect(() => detect('go-malformed')).toThrow('go.mod:3: invalid go version "one.twenty"');
  });
});

describe('detectGo on edge cases', () => {
  it('a cgo-only dependency in go.mod means cgo, with the require line as evidence', () => {
    const facts = detectGo(
      makeProject({
        'go.mod': 'module x\n\ngo 1.23\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n',
        'main.go': 'package main\nfunc main() {}\n',
      }),
    );
    expect(facts.cgo).toEqual({ value: true, evidence: { file: 'go.mod', line: 5 } });
    expect(facts.cgoReason).toBe('github.com/mattn/go-sqlite3 needs cgo');
  });

  it('ignores package main in nested modules, _ and . folders, tests and comments', () => {
    const facts = detectGo(
      makeProject({
        'go.mod': 'module x\ngo 1.23\n',
        'lib.go': '// package main is mentioned here but this is a library\npackage x\n',
        'tools/go.mod': 'module x/tools\ngo 1.23\n',
        'tools/main.go': 'package main\nfunc main() {}\n',
        '_scratch/main.go': 'package main\nfunc main() {}\n',
        '.hidden/main.go': 'package main\nfunc main() {}\n',
        'main_test.go': 'package main\n',
        'c/comment.go': '/* import "C" */\npackage c\n',
      }),
    );
    expect(facts.mainPackages).toEqual([]);
    expect(facts.cgo.value).toBe(false);
  });

  it('without a go directive the version is the default, with no evidence', () => {
    const facts = detectGo(makeProject({ 'go.mod': 'module x\n', 'main.go': 'package main\nfunc main() {}\n' }));
    expect(facts.runtimeVersion.evidence).toBeNull();
  });

  it('a binary go.mod is refused as not a text file', () => {
    const files = makeProject({ 'main.go': 'package main\n' });
    writeFileSync(path.join(files.root, 'go.mod'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    expect(() => detectGo(files)).toThrow('go.mod: not a text file');
  });
});

describe('language detection', () => {
  it('a folder with no manifest it knows says which ones it looked for', async () => {
    await expect(detectProject(makeProject({ 'CMakeLists.txt': 'project(x)\n' }))).rejects.toThrow(
      /no project found \(looked for go\.mod, go\.work, main\.go, Cargo\.toml, package\.json, package\.yaml, package\.json5, pyproject\.toml/,
    );
  });

  it('warns about other manifests but generates for the supported one', async () => {
    const detection = await detectProject(makeProject({ 'go.mod': 'module x\ngo 1.23\n', 'main.go': 'package main\n', 'package.json': '{}' }));
    expect(detection.facts.language).toBe('go');
    expect(detection.warnings).toEqual([
      'package.json is also here, but node finds no app in it; generating for go (go.mod), the only app here: pass --lang node to build the other',
    ]);
  });

  it('an empty folder has no project', async () => {
    await expect(detectProject(makeProject({}))).rejects.toThrow(/no project found \(looked for go\.mod/);
  });

  it("a folder with Go files and no marker inside a module is Go's, built from the module root; without a module above it is no project", async () => {
    const module = makeProject({ 'go.mod': 'module example.com/m\n\ngo 1.23\n', 'apps/api/server.go': 'package main\n\nfunc main() {}\n' });
    const member = await detectProject(new ProjectFiles(path.join(module.root, 'apps/api')));
    expect(member.facts.language).toBe('go');
    expect(member.warnings).toEqual([]);
    expect(member.facts.language === 'go' && member.facts.memberBuild).toEqual({ contextPath: '../..', memberPath: 'apps/api' });
    const forced = await detectProject(new ProjectFiles(path.join(module.root, 'apps/api')), 'go');
    expect(forced.facts.language).toBe('go');
    await expect(detectProject(makeProject({ 'server.go': 'package main\n\nfunc main() {}\n' }))).rejects.toThrow(/no project found \(looked for go\.mod/);
  });

  it('a stray .go file beside a Node or Python manifest inside a Go module changes nothing', async () => {
    const files = {
      'go.mod': 'module example.com/m\n\ngo 1.23\n',
      'web/package.json': '{"name":"web","scripts":{"start":"node server.js"}}',
      'web/server.js': 'require("http").createServer().listen(3000)\n',
      'svc/requirements.txt': 'flask\n',
      'svc/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    };
    const stray = { 'web/gen.go': 'package main\n\nfunc main() {}\n', 'svc/gen.go': 'package main\n\nfunc main() {}\n' };
    const plain = makeProject(files);
    const withGo = makeProject({ ...files, ...stray });
    for (const folder of ['web', 'svc']) {
      const before = await detectProject(new ProjectFiles(path.join(plain.root, folder)));
      const after = await detectProject(new ProjectFiles(path.join(withGo.root, folder)));
      expect(after.facts.language).toBe(folder === 'web' ? 'node' : 'python');
      expect(after.warnings).toEqual(before.warnings);
    }
  });

  it('--lang go without go.mod says what is missing', async () => {
    await expect(detectProject(makeProject({ 'package.json': '{}' }), 'go')).rejects.toThrow(/--lang go: no go\.mod or go\.work or main\.go in/);
  });
});

describe("Gin's mode", () => {
  const gin = (body: string) =>
    makeProject({
      'go.mod': 'module example.com/m\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n',
      'main.go': `package main\n\nimport (\n\t"net/http"\n\n\t"github.com/gin-gonic/gin"\n)\n\nfunc main() {\n${body}\tr := gin.Default()\n\tr.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "hi") })\n\tr.Run(":8080")\n}\n`,
    });

  it('a Gin server that sets no mode runs with GIN_MODE=release, and the image says why', async () => {
    const project = gin('');
    expect(detectGo(project).ginModeFromEnv).toEqual({ value: true, evidence: { file: 'main.go', line: 6 } });
    const result = await runCli([project.root, '--yes', '--stdout']);
    expect(result.stdout).toContain(
      '# Gin runs in debug mode (its route list and warnings on every start) unless GIN_MODE says release; main.go:6 imports Gin, and no gin.SetMode call sets a mode.\nENV GIN_MODE=release\n',
    );
  });

  it('none when the program sets its mode itself, or does not use Gin', async () => {
    expect(detectGo(gin('\tgin.SetMode(gin.ReleaseMode)\n')).ginModeFromEnv).toBeNull();
    expect((await runCli([gin('\tgin.SetMode(gin.ReleaseMode)\n').root, '--yes', '--stdout'])).stdout).not.toContain('GIN_MODE');
    expect(
      detectGo(
        makeProject({ 'go.mod': 'module example.com/m\n\ngo 1.22\n', 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n' }),
      ).ginModeFromEnv,
    ).toBeNull();
  });
});
