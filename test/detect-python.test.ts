import { describe, expect, it } from 'vitest';
import { detectPython } from '../src/languages/python/detect.js';
import { DEFAULT_PYTHON_MINOR, newestMinorFor, pythonRangeToSemver } from '../src/languages/python/pyversion.js';
import { readRequirements } from '../src/languages/python/requirements.js';
import { ProjectFiles } from '../src/project.js';
import { detectProject } from '../src/pipeline/detect.js';
import { fixture, makeProject, runCli } from './helpers.js';

const detectFixture = (name: string) => detectPython(new ProjectFiles(fixture(name)));

describe('Python version', () => {
  it.each([
    ['>=3.11', '3.14'],
    ['>=3.10,<3.13', '3.12'],
    ['~=3.11', '3.14'],
    ['~=3.11.4', '3.11'],
    ['==3.12.*', '3.12'],
    ['^3.11', '3.14'],
    ['>=3.9, !=3.12.*, <3.13', '3.11'],
    ['3.13', '3.13'],
    ['<3.9', '3.8'],
    ['>=3.11 || ==3.8.*', '3.14'],
  ])('requires %s -> %s', (spec, minor) => {
    const range = pythonRangeToSemver(spec);
    expect(range).not.toBeNull();
    expect(newestMinorFor(range!)).toBe(minor);
  });

  it("a uv workspace member's Python: its own .python-version, else the workspace root's, else its requires-python", () => {
    const member = (files: Record<string, string>) => {
      const root = makeProject({
        'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        'uv.lock': 'version = 1\n',
        'packages/api/pyproject.toml': '[project]\nname = "api"\nrequires-python = ">=3.11,<3.13"\n',
        ...files,
      }).root;
      return detectPython(new ProjectFiles(`${root}/packages/api`)).runtimeVersion;
    };
    expect(member({ '.python-version': '3.11\n' })).toEqual({ value: '3.11', evidence: { file: '../../.python-version' } });
    expect(member({ '.python-version': '3.11\n', 'packages/api/.python-version': '3.12\n' })).toEqual({ value: '3.12', evidence: { file: '.python-version' } });
    expect(member({})).toEqual({ value: '3.12', evidence: { file: 'pyproject.toml', line: 3 } });
  });

  it('reads .python-version first, then requires-python, runtime.txt, Pipfile, tool.poetry', () => {
    const pyproject = '[project]\nname = "x"\nrequires-python = ">=3.10,<3.12"\n';
    expect(detectPython(makeProject({ '.python-version': '3.12.4\n', 'pyproject.toml': pyproject })).runtimeVersion).toEqual({
      value: '3.12',
      evidence: { file: '.python-version' },
    });
    const ranged = detectPython(makeProject({ 'pyproject.toml': pyproject, 'runtime.txt': 'python-3.13.1' }));
    expect(ranged.runtimeVersion).toEqual({ value: '3.11', evidence: { file: 'pyproject.toml', line: 3 } });
    expect(ranged.versionRange).not.toBeNull();
    expect(detectPython(makeProject({ 'requirements.txt': '', 'runtime.txt': 'python-3.13.1\n' })).runtimeVersion.value).toBe('3.13');
    expect(detectPython(makeProject({ Pipfile: '[packages]\n\n[requires]\npython_version = "3.11"\n' })).runtimeVersion).toEqual({
      value: '3.11',
      evidence: { file: 'Pipfile', line: 4 },
    });
    expect(detectFixture('python-poetry').runtimeVersion).toEqual({ value: '3.14', evidence: { file: 'pyproject.toml', line: 9 } });
  });

  it('reads a range or "latest" in .python-version leniently, with a warning; mise.toml and .tool-versions too', () => {
    const ranged = detectPython(makeProject({ '.python-version': '>= 3.10\n', 'requirements.txt': '' }));
    expect(ranged.runtimeVersion).toEqual({ value: '3.14', evidence: { file: '.python-version' } });
    expect(ranged.versionRange).not.toBeNull();
    expect(ranged.versionWarning).toContain('">= 3.10" is a range');
    expect(detectPython(makeProject({ '.python-version': '>=3.10,<3.13\n', 'requirements.txt': '' })).runtimeVersion.value).toBe('3.12');
    expect(detectPython(makeProject({ '.python-version': 'latest\n', 'requirements.txt': '' })).versionWarning).toContain('"latest"');
    expect(detectPython(makeProject({ 'mise.toml': '[tools]\npython = "3.12.1"\n', 'requirements.txt': '' })).runtimeVersion).toEqual({
      value: '3.12',
      evidence: { file: 'mise.toml', line: 2 },
    });
    expect(detectPython(makeProject({ '.tool-versions': 'nodejs 22.1.0\npython 3.11.9\n', 'requirements.txt': '' })).runtimeVersion).toEqual({
      value: '3.11',
      evidence: { file: '.tool-versions', line: 2 },
    });
  });

  it('refuses Python 2 with the reason: a version file, python_requires or a print statement', () => {
    expect(() => detectPython(makeProject({ 'requirements.txt': '', 'runtime.txt': 'python-2.7.18\n' }))).toThrow('runtime.txt: "python-2.7.18" is Python 2');
    expect(() => detectPython(makeProject({ 'setup.py': "from setuptools import setup\nsetup(name='a', python_requires='<3')\n" }))).toThrow(
      'setup.py:2: python_requires "<3" allows only Python 2',
    );
    expect(() => detectPython(makeProject({ 'requirements.txt': '', 'main.py': 'import sys\nprint "hello"\n' }))).toThrow(
      'main.py:2: `print "hello"` is a Python 2 print statement',
    );
    expect(detectPython(makeProject({ 'requirements.txt': '', 'main.py': 'print("hello")\n' })).start?.value).toEqual(['python', 'main.py']);
  });

  it('after every declared Python, the one a pip-compile header says the requirements were resolved with', () => {
    const header = (python: string) =>
      `#\n# This file is autogenerated by pip-compile with ${python}\n# by the following command:\n#\n#    pip-compile pyproject.toml\n#\ncelery==5.2.7\n`;
    expect(detectPython(makeProject({ 'requirements.txt': header('Python 3.11') })).runtimeVersion).toEqual({ value: '3.11', evidence: { file: 'requirements.txt', line: 2 } });
    // pip-tools before 6.12 wrote "python" in lower case.
    expect(detectPython(makeProject({ 'requirements.txt': header('python 3.10') })).runtimeVersion).toEqual({ value: '3.10', evidence: { file: 'requirements.txt', line: 2 } });
    // A declared Python wins; a header without a version, one after the first requirement or one naming Python 2 says nothing.
    expect(detectPython(makeProject({ 'requirements.txt': header('Python 3.11'), 'runtime.txt': 'python-3.12.4\n' })).runtimeVersion.value).toBe('3.12');
    const pyproject = '[project]\nname = "x"\nrequires-python = ">=3.12"\n';
    expect(detectPython(makeProject({ 'requirements.txt': header('Python 3.11'), 'pyproject.toml': pyproject })).runtimeVersion.evidence).toEqual({
      file: 'pyproject.toml',
      line: 3,
    });
    for (const text of [
      '#\n# This file is autogenerated by pip-compile\n# To update, run:\ncelery\n',
      'celery\n# This file is autogenerated by pip-compile with Python 3.11\n',
      header('python 2.7'),
    ]) {
      expect(detectPython(makeProject({ 'requirements.txt': text })).runtimeVersion).toEqual({ value: DEFAULT_PYTHON_MINOR, evidence: null });
    }
  });

  it('without any, the current stable minor with no evidence', () => {
    expect(detectPython(makeProject({ 'requirements.txt': 'flask\n' })).runtimeVersion).toEqual({ value: DEFAULT_PYTHON_MINOR, evidence: null });
  });

  it('a version file that names no Python is a one-line error naming it', () => {
    expect(() => detectPython(makeProject({ '.python-version': 'pypy3.10\n', 'requirements.txt': '' }))).toThrow('.python-version: "pypy3.10" is not a CPython 3 version');
    expect(() => detectPython(makeProject({ 'pyproject.toml': '[project]\nrequires-python = "banana"\n' }))).toThrow(
      'pyproject.toml:2: requires-python "banana" is not a Python version range',
    );
  });
});

describe('dependency tool', () => {
  it.each([
    [{ 'pyproject.toml': '[project]\nname = "a"\n', 'uv.lock': '' }, 'uv', 'uv.lock'],
    [{ 'pyproject.toml': '[tool.poetry]\nname = "a"\n', 'poetry.lock': '' }, 'poetry', 'poetry.lock'],
    [{ 'pyproject.toml': '[project]\nname = "a"\n', 'pdm.lock': '' }, 'pdm', 'pdm.lock'],
    [{ Pipfile: '[packages]\nflask = "*"\n', 'Pipfile.lock': '{}' }, 'pipenv', 'Pipfile.lock'],
    [{ 'requirements.txt': 'flask==3.1.0\n' }, 'pip', null],
  ])('%j -> %s', (files, tool, lockfile) => {
    const facts = detectPython(makeProject(files));
    expect(facts.tool.value).toBe(tool);
    expect(facts.lockfile.value).toBe(lockfile);
  });

  it('[tool.poetry] without poetry.lock is still Poetry, with no lockfile (the plan refuses it)', () => {
    const facts = detectPython(makeProject({ 'pyproject.toml': '[tool.poetry]\nname = "a"\n' }));
    expect(facts.tool).toEqual({ value: 'poetry', evidence: { file: 'pyproject.toml', line: 1 } });
    expect(facts.lockfile.value).toBeNull();
  });

  it('several lockfiles are refused, naming them', () => {
    expect(() => detectPython(makeProject({ 'pyproject.toml': '', 'uv.lock': '', 'poetry.lock': '' }))).toThrow(
      'several lockfiles (uv.lock, poetry.lock): delete the stale ones so one tool decides the dependencies',
    );
  });

  it('pip reads requirements.txt, else [project] dependencies, else setup.py', () => {
    const requirements = detectFixture('python-flask-gunicorn');
    expect(requirements.pipSource).toBe('requirements');
    expect(requirements.dependencies.value).toEqual(['flask', 'gunicorn']);
    expect(requirements.unpinned).toEqual([]);
    const pyproject = detectPython(makeProject({ 'pyproject.toml': '[project]\nname = "a"\ndependencies = ["Flask>=3", "gunicorn==23.0.0"]\n' }));
    expect(pyproject.pipSource).toBe('pyproject');
    expect(pyproject.dependencies).toEqual({ value: ['flask', 'gunicorn'], evidence: { file: 'pyproject.toml', line: 3 } });
    expect(pyproject.unpinned).toEqual(['flask']);
    expect(detectPython(makeProject({ 'setup.py': 'from setuptools import setup\nsetup()\n' })).pipSource).toBe('project');
  });

  it('Poetry dependencies leave python out; fastapi[standard] counts as uvicorn', () => {
    expect(detectFixture('python-poetry').dependencies.value).toEqual(['requests']);
    expect(detectFixture('python-fastapi-uv').dependencies.value).toEqual(['fastapi', 'uvicorn']);
  });
});

describe('requirements files', () => {
  it('follows -r includes, and collects --find-links folders and local wheels to copy before the install', () => {
    const project = makeProject({
      'requirements.txt': '-r requirements/base.txt\n--no-index\n--find-links ./wheels\n./vendor/tool-1.0-py3-none-any.whl\nlib @ file:./libs/lib\n',
      'requirements/base.txt': 'Django==5.2.8  # the web framework\nrequests>=2 \\\n  ; python_version >= "3.11"\n',
    });
    const requirements = readRequirements(project, 'requirements.txt');
    expect(requirements.files).toEqual(['requirements.txt', 'requirements/base.txt']);
    expect(requirements.names).toEqual(['django', 'requests', 'lib']);
    expect(requirements.unpinned).toEqual(['requests', 'lib']);
    expect(requirements.localPaths).toEqual(['wheels', 'vendor/tool-1.0-py3-none-any.whl', 'libs/lib']);
    expect(requirements.noIndex).toBe(true);
  });

  it('a path outside the project, or a missing include, is a one-line error with file and line', () => {
    expect(() => readRequirements(makeProject({ 'requirements.txt': 'flask\n--find-links ../wheels\n' }), 'requirements.txt')).toThrow(
      'requirements.txt:2: ../wheels is outside the project folder, so docker build cannot copy it',
    );
    expect(() => readRequirements(makeProject({ 'requirements.txt': '-r base.txt\n' }), 'requirements.txt')).toThrow('requirements.txt:1: base.txt does not exist');
  });

  it('the local-wheel fixture installs only from ./wheels', () => {
    const facts = detectFixture('python-local-wheel');
    expect(facts.localPaths).toEqual(['wheels']);
    expect(facts.noIndex).toBe(true);
  });
});

describe('entry point', () => {
  it.each([
    ['python-flask-gunicorn', ['gunicorn', '--bind', '0.0.0.0:$PORT', 'app:app'], { file: 'app.py', line: 3 }],
    ['python-fastapi-uv', ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '$PORT'], { file: 'app/main.py', line: 3 }],
    ['python-django', ['gunicorn', '--bind', '0.0.0.0:$PORT', 'mysite.wsgi:application'], { file: 'mysite/settings.py', line: 6 }],
    ['python-cli-scripts', ['greet'], { file: 'pyproject.toml', line: 12 }],
    ['python-poetry', ['python', '-m', 'worker'], { file: 'worker/__main__.py' }],
    ['python-stdlib', ['python', 'app.py'], { file: 'app.py' }],
  ])('%s runs %j, because of %j', (name, command, evidence) => {
    expect(detectFixture(name).start).toEqual({ value: command, evidence });
  });

  it('a Procfile web: process wins and states the port', () => {
    const facts = detectPython(
      makeProject({ 'requirements.txt': 'flask\ngunicorn\n', Procfile: 'release: migrate\nweb: gunicorn -b 0.0.0.0:5000 wsgi:app\n', 'wsgi.py': 'app = Flask(__name__)\n' }),
    );
    expect(facts.start).toEqual({ value: ['gunicorn', '-b', '0.0.0.0:5000', 'wsgi:app'], evidence: { file: 'Procfile', line: 2 } });
    expect(facts.port).toEqual({ value: 5000, evidence: { file: 'Procfile', line: 2 } });
  });

  // miguelgrinberg/microblog: `web: flask db upgrade; flask translate compile; gunicorn microblog:app`.
  it('a Procfile web: line of several commands starts its last one, and keeps the steps before it for a warning', () => {
    const facts = detectPython(
      makeProject({
        'requirements.txt': 'flask\ngunicorn\n',
        Procfile: 'web: flask db upgrade; flask translate compile && gunicorn microblog:app\nworker: rq worker microblog-tasks\n',
        'microblog.py': 'from app import create_app\napp = create_app()\n',
        'app/__init__.py': 'def create_app():\n    pass\n',
      }),
    );
    expect(facts.start).toEqual({ value: ['gunicorn', 'microblog:app'], evidence: { file: 'Procfile', line: 1 } });
    expect(facts.procfileSetup).toEqual({ value: ['flask db upgrade', 'flask translate compile'], evidence: { file: 'Procfile', line: 1 } });
    expect(facts.procfileShellCommand).toBeNull();
    // A last command that needs a shell itself still leaves the whole line out.
    const shell = detectPython(
      makeProject({ 'requirements.txt': 'flask\ngunicorn\n', Procfile: 'web: flask db upgrade; gunicorn -w $(nproc) app:app\n', 'app.py': 'app = Flask(__name__)\n' }),
    );
    expect([shell.procfileSetup, shell.procfileShellCommand?.value]).toEqual([null, 'flask db upgrade; gunicorn -w $(nproc) app:app']);
  });

  // nsidnev/fastapi-realworld-example-app: `app = get_application()`, a function of app/main.py that builds FastAPI.
  it('an app object assigned at the top level from a factory of the same module; not from a function defined elsewhere', () => {
    const main = 'from fastapi import FastAPI\n\ndef get_application() -> FastAPI:\n    application = FastAPI()\n    return application\n\n\napp = get_application()\n';
    const start = (files: Record<string, string>) => detectPython(makeProject({ 'requirements.txt': 'fastapi\nuvicorn\n', ...files })).start;
    expect(start({ 'app/__init__.py': '', 'app/main.py': main })).toEqual({
      value: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '$PORT'],
      evidence: { file: 'app/main.py', line: 8 },
    });
    expect(start({ 'app/__init__.py': '', 'app/main.py': 'from fastapi import FastAPI\nfrom app.factory import build\n\napp = build()\n' })).toBeNull();
  });

  it('the app object may be annotated or built through its module', () => {
    const facts = detectPython(
      makeProject({ 'requirements.txt': 'starlette\nuvicorn\n', 'service.py': 'import starlette.applications\n\napi: Starlette = applications.Starlette(routes=[])\n' }),
    );
    expect(facts.start).toEqual({ value: ['uvicorn', 'service:api', '--host', '0.0.0.0', '--port', '$PORT'], evidence: { file: 'service.py', line: 3 } });
  });

  it('Flask without gunicorn is not served by its development server: main.py/app.py stand', () => {
    expect(detectPython(makeProject({ 'requirements.txt': 'flask\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' })).start?.value).toEqual(['python', 'app.py']);
  });

  it('in a src layout the module path drops src/ (the plan installs the project so it imports)', () => {
    const facts = detectPython(makeProject({ 'pyproject.toml': '[project]\nname = "shop"\ndependencies = ["fastapi", "uvicorn"]\n', 'src/shop/api.py': 'app = FastAPI()\n' }));
    expect(facts.start).toEqual({ value: ['uvicorn', 'shop.api:app', '--host', '0.0.0.0', '--port', '$PORT'], evidence: { file: 'src/shop/api.py', line: 1 } });
    expect(detectPython(makeProject({ 'requirements.txt': '', 'src/tool/__main__.py': '' })).start?.value).toEqual(['python', '-m', 'tool']);
  });

  it('a Flask package app or application factory without app.py runs under gunicorn, else flask run', () => {
    const factory = 'from flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n';
    const flaskr = detectPython(makeProject({ 'pyproject.toml': '[project]\nname = "flaskr"\ndependencies = ["flask"]\n', 'flaskr/__init__.py': factory }));
    expect(flaskr.start).toEqual({
      value: ['flask', '--app', 'flaskr:create_app()', 'run', '--host', '0.0.0.0', '--port', '$PORT'],
      evidence: { file: 'flaskr/__init__.py', line: 3 },
    });
    expect(flaskr.port).toEqual({ value: 5000, evidence: null });
    const served = detectPython(makeProject({ 'requirements.txt': 'flask\ngunicorn\n', 'src/task_app/__init__.py': factory }));
    expect(served.start?.value).toEqual(['gunicorn', '--bind', '0.0.0.0:$PORT', 'task_app:create_app()']);
    expect(served.port.value).toBe(8000);
    const object = detectPython(makeProject({ 'requirements.txt': 'flask\ngunicorn\n', 'js_example/__init__.py': 'from flask import Flask\napp = Flask(__name__)\n' }));
    expect(object.start?.value).toEqual(['gunicorn', '--bind', '0.0.0.0:$PORT', 'js_example:app']);
  });

  it('a root script that starts itself under __main__ (server.py, bot.py) runs with python', () => {
    const server = 'from flask import Flask\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0")\n';
    const facts = detectPython(makeProject({ 'requirements.txt': 'flask\n', 'server.py': server, 'util.py': 'x = 1\n' }));
    expect(facts.start).toEqual({ value: ['python', 'server.py'], evidence: { file: 'server.py' } });
    expect(facts.port).toEqual({ value: 5000, evidence: null });
  });

  it("a Quart app is served by hypercorn, which Quart brings, not by a start script that runs Quart's development server (quart's examples/chat)", () => {
    const facts = detectPython(
      makeProject({
        'pyproject.toml':
          '[tool.poetry]\nname = "chat"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\nquart = "*"\n\n[tool.poetry.scripts]\nstart = "chat:run"\n\n[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n',
        'src/chat/__init__.py': 'from quart import Quart\n\napp = Quart(__name__)\n\n\ndef run():\n    app.run(debug=True)\n',
      }),
    );
    expect(facts.framework.value).toBe('quart');
    expect(facts.start).toEqual({ value: ['hypercorn', '--bind', '0.0.0.0:$PORT', 'chat:app'], evidence: { file: 'src/chat/__init__.py', line: 3 } });
    expect(facts.port.value).toBe(8000);
    expect(facts.servesNetwork.value).toBe(true);
  });

  it('Litestar, FastHTML and Starlette apps run under uvicorn, Sanic under its own CLI, a Cloud Function under functions-framework', () => {
    const start = (requirements: string, code: string) => detectPython(makeProject({ 'requirements.txt': requirements, 'main.py': code })).start?.value;
    const uvicorn = (target: string) => ['uvicorn', target, '--host', '0.0.0.0', '--port', '$PORT'];
    const litestar = { 'pyproject.toml': '[project]\nname = "a"\ndependencies = ["litestar[standard]"]\n', 'main.py': 'from litestar import Litestar\napp = Litestar([])\n' };
    expect(detectPython(makeProject(litestar)).start?.value).toEqual(uvicorn('main:app'));
    expect(start('python-fasthtml\n', 'from fasthtml.common import *\napp, rt = fast_app()\nserve()\n')).toEqual(uvicorn('main:app'));
    expect(start('starlette\nuvicorn\n', 'from starlette.applications import Starlette\napp = Starlette()\n')).toEqual(uvicorn('main:app'));
    expect(start('sanic\n', 'from sanic import Sanic\napp = Sanic("demo")\n')).toEqual(['sanic', 'main:app', '--host', '0.0.0.0', '--port', '$PORT']);
    const fn = detectPython(
      makeProject({
        'requirements.txt': 'functions-framework==3.*\n',
        'main.py': 'def hello(request):\n    return "hi"\n',
        'project.toml': '[[build.env]]\nname = "GOOGLE_FUNCTION_TARGET"\nvalue = "hello"\n',
      }),
    );
    expect(fn.start).toEqual({ value: ['functions-framework', '--target', 'hello', '--port', '$PORT'], evidence: { file: 'project.toml', line: 2 } });
    expect(fn.port.value).toBe(8080);
  });

  it('a lone main.py, app.py or bot.py without any manifest is a standard-library Python app, unless another language is here', async () => {
    const lone = await detectProject(makeProject({ 'bot.py': 'import sys\n\nif __name__ == "__main__":\n    print(sys.argv)\n' }));
    expect(lone.facts.language).toBe('python');
    expect((lone.facts as ReturnType<typeof detectPython>).start?.value).toEqual(['python', 'bot.py']);
    const beside = await detectProject(makeProject({ 'package.json': '{"name": "a", "scripts": {"start": "node index.js"}}', 'index.js': '', 'app.py': 'print("x")\n' }));
    expect(beside.facts.language).toBe('node');
  });

  it('Django with a settings package reads WSGI_APPLICATION from base.py', () => {
    const manage = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_pkg.settings.dev')\n";
    const facts = detectPython(
      makeProject({
        'requirements.txt': 'django\ngunicorn\n',
        'manage.py': manage,
        'site_pkg/__init__.py': '',
        'site_pkg/settings/__init__.py': '',
        'site_pkg/settings/dev.py': 'from .base import *\nDEBUG = True\n',
        'site_pkg/settings/base.py': "SECRET_KEY = 'x'\nWSGI_APPLICATION = 'site_pkg.wsgi.application'\n",
      }),
    );
    expect(facts.start).toEqual({ value: ['gunicorn', '--bind', '0.0.0.0:$PORT', 'site_pkg.wsgi:application'], evidence: { file: 'site_pkg/settings/base.py', line: 2 } });
  });

  it('Django without gunicorn or uvicorn runs its own server, without the reloader (awesome-compose django)', () => {
    const facts = detectPython(
      makeProject({
        'requirements.txt': 'Django==3.2.13\n',
        'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'example.settings')\n",
        'example/__init__.py': '',
        'example/settings.py': "WSGI_APPLICATION = 'example.wsgi.application'\n",
      }),
    );
    expect(facts.start).toEqual({ value: ['python', 'manage.py', 'runserver', '0.0.0.0:$PORT', '--noreload'], evidence: { file: 'manage.py' } });
    expect(facts.port).toEqual({ value: 8000, evidence: null });
  });

  it('a Flask app that uses its instance folder gets it writable by the run-time user, and only it', async () => {
    expect(detectFixture('python-flask-instance').flaskInstanceFolder).toEqual({ value: true, evidence: { file: 'notes/__init__.py', line: 9 } });
    expect(detectFixture('python-flask-gunicorn').flaskInstanceFolder.value).toBe(false);
    const result = await runCli([fixture('python-flask-instance'), '--yes', '--base', 'slim', '--stdout']);
    expect(result.stdout).toContain('RUN mkdir -p /runtime/app/instance \\\n && chown 65532:65532 /runtime/app/instance\n');
    // Copying the folder's parent keeps its owner (a COPY of the folder itself would make it root's); the rest of /app stays root's.
    expect(result.stdout).toContain('COPY --from=build /runtime/ /');
    const plain = await runCli([fixture('python-flask-gunicorn'), '--yes', '--base', 'slim', '--stdout']);
    expect(plain.stdout).not.toContain('chown');
  });

  // miguelgrinberg/microblog: create_app() makes logs/ in the working directory unless LOG_TO_STDOUT is set.
  it('a folder the app creates by a relative path is made writable for the run-time user; not an absolute or climbing path', async () => {
    const files = {
      'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
      'app.py':
        "import os\nfrom pathlib import Path\nfrom flask import Flask\napp = Flask(__name__)\nif not os.path.exists('logs'):\n    os.mkdir('logs')\nPath(\"data/uploads\").mkdir(parents=True, exist_ok=True)\nos.makedirs('/tmp/cache')\nos.makedirs('../up')\n",
    };
    expect(detectPython(makeProject(files)).createdFolders).toEqual([
      { value: 'logs', evidence: { file: 'app.py', line: 6 } },
      { value: 'data/uploads', evidence: { file: 'app.py', line: 7 } },
    ]);
    const result = await runCli([makeProject(files).root, '--yes', '--base', 'slim', '--stdout']);
    expect(result.stdout).toContain(
      '# logs/, which the app creates (app.py:6); data/uploads/, which the app creates (app.py:7): gathered under /runtime/app, copied in one step below.\n',
    );
    expect(result.stdout).toContain('RUN mkdir -p /runtime/app/logs /runtime/app/data/uploads \\\n && chown 65532:65532 /runtime/app/logs /runtime/app/data/uploads\n');
  });

  it('Django with STATIC_ROOT runs collectstatic in the build stage', async () => {
    const project = makeProject({
      'requirements.txt': 'django==5.2\ngunicorn==23.0.0\n',
      'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_pkg.settings')\n",
      'site_pkg/__init__.py': '',
      'site_pkg/settings.py': "WSGI_APPLICATION = 'site_pkg.wsgi.application'\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n",
    });
    expect(detectPython(project).djangoStaticRoot).toEqual({ value: true, evidence: { file: 'site_pkg/settings.py', line: 2 } });
    const result = await runCli([project.root, '--yes', '--base', 'slim', '--stdout']);
    expect(result.stdout).toContain('RUN /opt/venv/bin/python manage.py collectstatic --noinput');
    expect(result.stderr).not.toContain('static files are not collected');
  });

  it('several console scripts, or nothing to run, leave the entry open', () => {
    const scripts = '[project]\nname = "a"\n[project.scripts]\none = "a:one"\ntwo = "a:two"\n';
    expect(detectPython(makeProject({ 'pyproject.toml': scripts })).start).toBeNull();
    expect(detectPython(makeProject({ 'requirements.txt': 'requests\n' })).start).toBeNull();
  });
});

describe('port, network and native dependencies', () => {
  it('a web framework serves on 8000 unless the command says otherwise; a CLI serves nothing', () => {
    expect(detectFixture('python-django').servesNetwork.value).toBe(true);
    expect(detectFixture('python-django').port).toEqual({ value: 8000, evidence: null });
    expect(detectFixture('python-cli-scripts').servesNetwork.value).toBe(false);
  });

  it('reads the port from the listen call or a port variable of the script it runs', () => {
    const run = (code: string, requirements = 'flask\n') => detectPython(makeProject({ 'requirements.txt': requirements, 'app.py': code })).port;
    expect(run('app.run(host="0.0.0.0", port=8080)\n')).toEqual({ value: 8080, evidence: { file: 'app.py', line: 1 } });
    expect(run('import os\napp.run(port=os.environ.get("FLASK_SERVER_PORT", 9090), debug=True)\n')).toEqual({ value: 9090, evidence: { file: 'app.py', line: 2 } });
    expect(run('import os\nport = int(os.environ.get("PORT", 5001))\napp.run(port=port)\n').value).toBe(5001);
    expect(run('uvicorn.run(app, host="0.0.0.0", port=8123)\n', 'fastapi\nuvicorn\n').value).toBe(8123);
    expect(run('web.run_app(app, port=8081)\n', 'aiohttp\n').value).toBe(8081);
  });

  it('a Procfile with only a worker process listens on nothing', () => {
    const facts = detectPython(
      makeProject({ 'requirements.txt': 'flask\ncelery\n', Procfile: 'worker: celery -A tasks worker\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' }),
    );
    expect(facts.servesNetwork).toEqual({ value: false, evidence: { file: 'Procfile', line: 1 } });
  });

  it('the standard library server reads PORT', () => {
    const facts = detectFixture('python-stdlib');
    expect(facts.servesNetwork).toEqual({ value: true, evidence: { file: 'app.py', line: 2 } });
    expect(facts.readsPortEnv).toEqual({ value: true, evidence: { file: 'app.py', line: 16 } });
  });

  it('native dependencies are named', () => {
    expect(detectFixture('python-native').nativeDependencies).toEqual({ value: ['psycopg2', 'numpy'], evidence: { file: 'requirements.txt' } });
  });
});

describe('malformed manifests', () => {
  it('broken TOML is one line naming file, line and problem', () => {
    expect(() => detectFixture('python-malformed')).toThrow('pyproject.toml:4:1: not valid TOML (invalid value)');
    expect(() => detectPython(makeProject({ Pipfile: '[packages\n' }))).toThrow(/^Pipfile:1:\d+: not valid TOML/);
  });
});
