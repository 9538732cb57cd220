"""The project's layers: `alp_portal/` (settings, roles, the admin base, middleware) is below every app and
imports none of them; `workshops` records facts and does not import `certificates`, which decides verdicts;
no template of `authorities` loads a `workshops` tag."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("initiative", "authorities", "workshops", "certificates")


def imported_modules(folder):
    """{file: [module, ...]} for every import statement in `folder`'s Python files, at any depth."""
    found = {}
    for path in sorted((BASE / folder).rglob("*.py")):
        modules = []
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.append(node.module)
        found[str(path.relative_to(BASE))] = modules
    return found


def imports_of(folder, apps):
    return sorted(
        (path, module)
        for path, modules in imported_modules(folder).items()
        for module in modules
        if module.split(".")[0] in apps
    )


def test_alp_portal_imports_no_app():
    assert imports_of("alp_portal", APPS) == []


def test_alp_portal_imports_are_found():
    # The walk itself sees imports (inside functions too): settings read the environment through env.py.
    assert ("alp_portal/settings.py", "alp_portal.env") in [
        (path, module) for path, modules in imported_modules("alp_portal").items() for module in modules
    ]


@pytest.mark.parametrize(("lower", "higher"), [("workshops", "certificates"), ("authorities", "workshops")])
def test_an_app_does_not_import_the_app_above_it(lower, higher):
    assert imports_of(lower, (higher,)) == []


def test_no_authorities_template_loads_a_workshops_tag():
    loads = []
    for path in sorted((BASE / "templates").rglob("*.html")):
        if "authorities" not in path.relative_to(BASE / "templates").parts:
            continue
        for libraries in re.findall(r"\{%\s*load\s+([^%]+?)\s*%\}", path.read_text()):
            loads += [(path.name, name) for name in libraries.split() if name.startswith("workshops")]
    assert loads == []
