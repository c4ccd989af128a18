import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './helpers.js';

/*
 * What the final stage of an app without a build step copies, through the real CLI: the app's own
 * files by name (the entry, what it imports, what its code names, the folders frameworks read by
 * convention), so a file nobody named stays out of the image; the whole context only where the
 * imports cannot tell, with the reason; and never the settings only the install reads.
 */

/** The Dockerfile --stdout prints for a project made of these files. */
async function dockerfileFor(files: Record<string, string>, ...flags: string[]): Promise<string> {
  const project = makeProject(files);
  const { exitCode, stdout, stderr } = await runCli([project.root, '--yes', '--stdout', ...flags]);
  expect(exitCode, stderr).toBe(0);
  return stdout;
}

/** Its production stage. */
const productionStage = async (files: Record<string, string>, ...flags: string[]) => {
  const dockerfile = await dockerfileFor(files, ...flags);
  return dockerfile.slice(dockerfile.indexOf(' AS production'));
};

/** The sources and targets of its COPY lines, and the comment above each: the app's, not tini's or the venv's. */
const copiesOf = (stage: string) =>
  [...stage.matchAll(/^# (.*)\nCOPY (.*)$/gm)].map(([, why, copy]) => ({ why: why!, copy: copy! })).filter(({ copy }) => !/--from=init |\/opt\/venv /.test(copy));

const EXPRESS_APP = {
  'package.json': '{ "name": "shop", "dependencies": { "express": "^4.21.0" }, "scripts": { "start": "node server.js" } }\n',
  'package-lock.json': '{ "lockfileVersion": 3 }\n',
  'server.js': [
    "const express = require('express');",
    "const path = require('node:path');",
    "const routes = require('./src/routes');",
    'const app = express();',
    "app.set('view engine', 'ejs');",
    "app.use(express.static(path.join(__dirname, 'assets')));",
    'app.use(routes);',
    'app.listen(3000);',
    '',
  ].join('\n'),
  'src/routes.js': "const seed = require('../data/seed.json');\nmodule.exports = (req, res, next) => next();\n",
  'data/seed.json': '[]\n',
  'assets/logo.svg': '<svg/>\n',
  'views/index.ejs': '<h1>shop</h1>\n',
  // Nobody names these: they stay out of the image.
  'dump.sql': 'INSERT INTO users VALUES (1, "admin", "hash");\n',
  'scripts/seed-prod.sh': 'psql "$PROD_URL" < dump.sql\n',
};

describe('Node without a build step', () => {
  it('copies the entry, what it imports, what its code names and views/, by name', async () => {
    const stage = await productionStage(EXPRESS_APP);
    expect(copiesOf(stage)).toEqual([
      { why: 'The dependencies (the project has no devDependencies to leave out).', copy: '--from=deps /app/node_modules ./node_modules' },
      { why: 'The entry file.', copy: 'server.js ./' },
      { why: 'Code the entry imports (src/routes.js).', copy: 'src ./src' },
      { why: 'Named in the code (server.js:6): read at run time.', copy: 'assets ./assets' },
      { why: 'Named in the code (src/routes.js:1): read at run time.', copy: 'data ./data' },
      { why: 'Express renders templates from views/ unless told otherwise.', copy: 'views ./views' },
      { why: 'Node reads "type" and the package name from it at run time.', copy: 'package.json ./' },
    ]);
    expect(stage).not.toMatch(/dump\.sql|scripts|COPY \. /);
  });

  it('copies the whole context, saying why, when what it names cannot be one word of a COPY line', async () => {
    const stage = await productionStage({
      ...EXPRESS_APP,
      'server.js': "require('express')().use(require('express').static(__dirname + '/public files')).listen(3000);\n",
      'public files/index.html': '<h1>shop</h1>\n',
    });
    expect(stage).toContain(
      '# The app has no build step, and "public files" is a name a COPY line cannot hold as one plain word: the whole context ships (.dockerignore keeps the rest out).\nCOPY . ./\n',
    );
  });

  it('copies the whole context, saying why, when a module is loaded by a computed name', async () => {
    const stage = await productionStage({ ...EXPRESS_APP, 'src/routes.js': 'module.exports = require(`./${process.env.ROUTES}`);\n' });
    expect(stage).toContain(
      '# The app has no build step, and src/routes.js:1 loads a module by a name the code computes: the whole context ships (.dockerignore keeps the rest out).\nCOPY . ./\n',
    );
  });
});

/** A Yarn Berry project whose .yarnrc.yml holds a registry token. */
const YARN_BERRY = {
  '.yarnrc.yml': 'nodeLinker: node-modules\nnpmAuthToken: "${NPM_TOKEN}"\n',
  'yarn.lock': '__metadata:\n  version: 8\n',
  'package.json': '{ "name": "api", "packageManager": "yarn@4.9.2", "dependencies": { "express": "^4.21.0" }, "scripts": { "start": "node server.js" } }\n',
  'server.js': "require('express')().listen(3000);\n",
};

describe('Yarn Berry: no final image ships .yarnrc.yml', () => {
  it('an app whose imports tell what it runs: the list leaves it out', async () => {
    const stage = await productionStage(YARN_BERRY);
    expect(copiesOf(stage).map(({ copy }) => copy)).toEqual(['--from=deps /app/node_modules ./node_modules', 'server.js ./', 'package.json ./']);
  });

  it('an app that ships the whole context: it comes from a stage that removed .yarnrc.yml', async () => {
    const stdout = await dockerfileFor({ ...YARN_BERRY, 'server.js': 'require(process.env.APP_MODULE);\n' });
    const sources = stdout.slice(stdout.indexOf(' AS sources'), stdout.indexOf('\n\n', stdout.indexOf(' AS sources')));
    expect(sources).toMatch(/^ AS sources\nWORKDIR \/app\nCOPY \. \.\n# .*npmAuthToken.*\nRUN rm \.yarnrc\.yml$/);
    expect(copiesOf(stdout.slice(stdout.indexOf(' AS production'))).at(-1)!.copy).toBe('--from=sources /app ./');
  });

  it("a workspace root, whose final stage copies prod-deps' /app whole: removed there after the install", async () => {
    const stdout = await dockerfileFor({
      ...YARN_BERRY,
      'package.json': '{ "name": "root", "packageManager": "yarn@4.9.2", "workspaces": ["packages/*"], "scripts": { "start": "node server.js" } }\n',
      'packages/lib/package.json': '{ "name": "lib", "dependencies": { "ms": "^2.1.3" } }\n',
    });
    // The install may mount build secrets (the .yarnrc.yml names ${NPM_TOKEN}): its comment and continued lines come first.
    expect(stdout).toMatch(/FROM base AS prod-deps\n(?:#[^\n]*\n)*RUN --mount=(?:[^\n]*\\\n)+[^\n]*\n# Only the install reads \.yarnrc\.yml[^\n]*\nRUN rm \.yarnrc\.yml\n/);
    const copies = copiesOf(stdout.slice(stdout.indexOf(' AS production'))).map(({ copy }) => copy);
    expect(copies).toEqual(['--from=prod-deps /app ./', '--from=sources /app ./']);
  });
});

const FLASK_APP = {
  'requirements.txt': 'flask==3.1.0\ngunicorn==23.0.0\n',
  'app.py': ['from flask import Flask, render_template', 'from helpers import greeting', 'app = Flask(__name__)', "DATA = open('data/words.txt').read()", ''].join('\n'),
  'helpers.py': 'def greeting():\n    return "hi"\n',
  'data/words.txt': 'hello\n',
  'templates/index.html': '<h1>{{ greeting }}</h1>\n',
  'static/app.css': 'body {}\n',
  // Nobody names these: they stay out of the image.
  'dump.sql': 'INSERT INTO users VALUES (1);\n',
  'notebooks/explore.py': 'import pandas\n',
};

describe('Python run from its sources', () => {
  it('copies the module the command serves, what it imports and names, and templates/ and static/, by name', async () => {
    const stage = await productionStage(FLASK_APP, '--base', 'slim');
    expect(copiesOf(stage).filter(({ copy }) => copy.startsWith('--from=build /app/'))).toEqual([
      { why: 'What the start command runs (app.py:3).', copy: '--from=build /app/app.py /app/app.py' },
      { why: 'Templates, which Flask and Django look for in templates/ by convention.', copy: '--from=build /app/templates /app/templates' },
      { why: 'Static files, which Flask serves from static/ by convention.', copy: '--from=build /app/static /app/static' },
      { why: 'Imported by the app (app.py:2).', copy: '--from=build /app/helpers.py /app/helpers.py' },
      { why: 'Named in the code (app.py:4): read at run time.', copy: '--from=build /app/data /app/data' },
      { why: 'The bytecode of the root modules above.', copy: '--from=build /app/__pycache__ /app/__pycache__' },
    ]);
    expect(stage).not.toMatch(/dump\.sql|notebooks|COPY --from=build \/app \/app/);
  });

  it('copies /app whole, saying why, when a module is imported by a computed name', async () => {
    const stage = await productionStage({ ...FLASK_APP, 'helpers.py': 'import importlib\nplugin = importlib.import_module(PLUGIN)\n' }, '--base', 'slim');
    expect(stage).toContain('helpers.py:2 imports a module by a name the code computes: the whole folder ships (.dockerignore keeps the rest out).\nCOPY --from=build /app /app\n');
  });

  it('a folder of another app that the code names stays in the build context, so the copy finds it', async () => {
    const project = makeProject({
      'requirements.txt': 'fastapi==0.115.6\nuvicorn==0.34.0\n',
      'main.py': "from fastapi import FastAPI\nfrom fastapi.staticfiles import StaticFiles\napp = FastAPI()\napp.mount('/', StaticFiles(directory='frontend/dist'))\n",
      'frontend/package.json': '{ "name": "web", "scripts": { "build": "vite build" }, "devDependencies": { "vite": "^6.0.0" } }\n',
      'frontend/dist/index.html': '<h1>web</h1>\n',
    });
    const { exitCode, stderr } = await runCli([project.root, '--yes', '--base', 'slim']);
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(
      'frontend/ holds another app (frontend/package.json); generating for python (requirements.txt), whose build reads frontend/, so it stays in the build context',
    );
    expect(readFileSync(path.join(project.root, '.dockerignore'), 'utf8').split('\n')).not.toContain('frontend');
    expect(readFileSync(path.join(project.root, 'Dockerfile'), 'utf8')).toContain('\nCOPY --from=build /app/frontend /app/frontend\n');
  });

  it("Django with collectstatic: the apps the settings name, manage.py and STATIC_ROOT's folder", async () => {
    const stage = await productionStage(
      {
        'requirements.txt': 'django==5.1.4\ngunicorn==23.0.0\n',
        'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_config.settings')\n",
        'site_config/__init__.py': '',
        'site_config/settings.py': [
          'from pathlib import Path',
          'BASE_DIR = Path(__file__).resolve().parent.parent',
          "INSTALLED_APPS = ['django.contrib.staticfiles', 'blog.apps.BlogConfig']",
          "ROOT_URLCONF = 'site_config.urls'",
          "WSGI_APPLICATION = 'site_config.wsgi.application'",
          'STATIC_ROOT = BASE_DIR / "staticfiles"',
          '',
        ].join('\n'),
        'site_config/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n',
        'blog/__init__.py': '',
        'blog/apps.py': 'from django.apps import AppConfig\nclass BlogConfig(AppConfig):\n    name = "blog"\n',
        'blog/templates/blog/index.html': '<h1>blog</h1>\n',
        'dump.sql': 'INSERT INTO auth_user VALUES (1);\n',
      },
      '--base',
      'slim',
    );
    expect(copiesOf(stage).map(({ copy }) => copy.split(' ')[1])).toEqual(['/app/site_config', '/app/manage.py', '/app/blog', '/app/staticfiles', '/app/__pycache__']);
    expect(stage).not.toContain('dump.sql');
  });
});
