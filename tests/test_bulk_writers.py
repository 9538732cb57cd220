"""Every module that writes rows a generation follows without a signal (`QuerySet.update()`, `bulk_create()`,
`bulk_update()` on the model by name) announces it with `alp_portal.generations.written_in_bulk`: a writer that
forgot would leave a kept value stale (the official and their initiative, who is asking, the admin's filters)."""

import ast
from pathlib import Path

from django.contrib.auth import get_user_model

from alp_portal.generations import _FOLLOWERS

ROOT = Path(__file__).resolve().parent.parent
APPS = ["alp_portal", "authorities", "initiative", "workshops", "certificates"]
BULK = {"update", "bulk_create", "bulk_update"}
ANNOUNCEMENTS = {"written_in_bulk", "everything_written"}


def followed_names():
    names = {model.__name__ for model, generations in _FOLLOWERS.items() if generations}
    if _FOLLOWERS.get(get_user_model()):
        names.add("get_user_model")
    return names


def root_of(node):
    """The name a call chain such as `Official.objects.filter(...).update` or `get_user_model().objects...` starts
    from (None when it starts from anything else: a variable, `self`)."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def bulk_writes(tree, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BULK:
            chain = ast.unparse(node.func)
            if ".objects" in chain and root_of(node.func) in names:
                yield node.lineno, chain


def test_every_bulk_writer_of_a_followed_model_announces_it():
    names = followed_names()
    assert {"Official", "Invitation", "Initiative", "Event", "get_user_model"} <= names
    silent, seen = [], []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            writes = list(bulk_writes(tree, names))
            seen += writes
            announced = any(
                isinstance(node, ast.Call) and root_of(node.func) in ANNOUNCEMENTS for node in ast.walk(tree)
            )
            if writes and not announced:
                silent += [f"{path.relative_to(ROOT)}:{line} {chain}" for line, chain in writes]
    assert seen, "the check found no bulk writer at all: it would pass whatever the code does"
    assert not silent, "call alp_portal.generations.written_in_bulk after these writes: " + ", ".join(silent)
