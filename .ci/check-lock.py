"""Check that requirements.lock pins exactly what pyproject.toml declares (dependencies and the dev extra).

Run with the venv's Python after `pip install -r requirements.lock`: the dependency tree is read from the
installed packages' metadata, so no network is needed. Fails when a declared requirement is not pinned or
its pin is outside the declared range, when a pinned package is not needed, when a needed package is not
pinned, or when the venv does not hold the pinned versions.
"""

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def read_lock(path):
    pins = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)", line.strip())
        if not match:
            sys.exit(f"requirements.lock:{number}: not a name==version line: {line!r}")
        pins[canonicalize_name(match[1])] = match[2]
    return pins


def main():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    declared += [Requirement(r) for r in project.get("optional-dependencies", {}).get("dev", [])]
    pins = read_lock(ROOT / "requirements.lock")
    errors = []

    needed = {}  # name -> set of extras asked for
    queue = [(req, "pyproject.toml") for req in declared]
    while queue:
        req, wanted_by = queue.pop()
        name = canonicalize_name(req.name)
        if name not in pins:
            errors.append(f"{req.name} (needed by {wanted_by}) is not pinned in requirements.lock")
            continue
        if not req.specifier.contains(pins[name], prereleases=True):
            errors.append(f"{req.name}=={pins[name]} does not satisfy {req} (from {wanted_by})")
        new_extras = set(req.extras) - needed.get(name, set())
        if name in needed and not new_extras:
            continue
        needed.setdefault(name, set()).update(req.extras)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            errors.append(f"{req.name} is not installed: run pip install -r requirements.lock first")
            continue
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({"extra": extra}) for extra in ({""} | needed[name])):
                queue.append((sub, dist.metadata["Name"]))

    for name, version in sorted(pins.items()):
        if name not in needed:
            errors.append(f"{name}=={version} is pinned but nothing in pyproject.toml needs it")
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            errors.append(f"{name}=={version} is pinned but not installed")
            continue
        if installed != version:
            errors.append(f"{name}: {installed} installed, {version} pinned")

    if errors:
        print("requirements.lock and pyproject.toml disagree:", *errors, sep="\n  ")
        return 1
    print(f"requirements.lock: {len(pins)} pins, consistent with pyproject.toml and the installed packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
