/** Files that make a folder a Python project; a lone script counts only when no other language claims the folder. */
export const PYTHON_MANIFESTS = ['pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg', 'Pipfile'];
export const PYTHON_SCRIPTS = ['main.py', 'app.py', 'bot.py'];
