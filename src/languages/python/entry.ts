/** The forms --entry takes for Python, said in --help, prompts and errors. */
export const ENTRY_FORMS = 'a .py file (app.py), a module for python -m (mypkg), module:app for gunicorn, uvicorn or hypercorn, or a [project.scripts] name';
