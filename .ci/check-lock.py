"""Check that the two locks pin exactly what pyproject.toml declares.

- requirements.lock: what the portal needs to run (the `dependencies`), nothing more: a production install
  carries no pytest, Playwright or ruff.
- requirements-dev.lock: `-r requirements.lock`, then what the tests and the linters need on top (the `dev`
  extra) and nothing that the runtime lock already pins.

Run with the venv's Python after `pip install -r requirements-dev.lock`: the dependency tree is read from the
installed packages' metadata, so no network is needed. Fails when a declared requirement is not pinned (or
pinned in the wrong lock), when its pin is outside the declared range, when a pinned package is not needed,
or when the venv does not hold the pinned versions.

`--write` rewrites both locks from the packages installed in the venv (after adding or upgrading one there).
"""

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
INCLUDE = "-r requirements.lock"


def read_lock(path, *, include=None):
    pins = {}
    lines = [line.strip() for line in path.read_text().splitlines()]
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#") or line == include:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)", line)
        if not match:
            sys.exit(f"{path.name}:{number}: not a name==version line: {line!r}")
        pins[canonicalize_name(match[1])] = match[2]
    if include and include not in lines:
        sys.exit(f"{path.name} must start with {include!r}, so that it installs the runtime too")
    return pins


def closure(requirements, errors, pins=None):
    """{name: (requirement, wanted_by)} of everything `requirements` need, read from the installed metadata.
    With `pins`, also checks that each is pinned and its pin satisfies every range asked for."""
    needed, extras = {}, {}
    queue = [(req, "pyproject.toml") for req in requirements]
    while queue:
        req, wanted_by = queue.pop()
        name = canonicalize_name(req.name)
        if pins is not None:
            if name not in pins:
                errors.append(f"{req.name} (needed by {wanted_by}) is not pinned")
                continue
            if not req.specifier.contains(pins[name], prereleases=True):
                errors.append(f"{req.name}=={pins[name]} does not satisfy {req} (from {wanted_by})")
        new_extras = set(req.extras) - extras.get(name, set())
        if name in extras and not new_extras:
            continue
        extras.setdefault(name, set()).update(req.extras)
        needed.setdefault(name, req.name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            errors.append(f"{req.name} is not installed: run pip install -r requirements-dev.lock first")
            continue
        needed[name] = dist.metadata["Name"]
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({"extra": extra}) for extra in ({""} | extras[name])):
                queue.append((sub, dist.metadata["Name"]))
    return needed


def declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    dev = [Requirement(r) for r in project.get("optional-dependencies", {}).get("dev", [])]
    return runtime, dev


def write():
    runtime, dev = declared()
    errors = []
    runtime_names = closure(runtime, errors)
    all_names = closure(runtime + dev, errors)
    if errors:
        sys.exit("\n".join(errors))

    def pin(names):
        return sorted(f"{name}=={metadata.version(name)}" for name in names.values())

    RUNTIME_LOCK.write_text("\n".join(pin(runtime_names)) + "\n")
    dev_only = {key: name for key, name in all_names.items() if key not in runtime_names}
    DEV_LOCK.write_text("\n".join([INCLUDE, *pin(dev_only)]) + "\n")
    print(f"wrote {RUNTIME_LOCK.name} ({len(runtime_names)} pins) and {DEV_LOCK.name} ({len(dev_only)} pins)")


def check():
    runtime, dev = declared()
    runtime_pins = read_lock(RUNTIME_LOCK)
    dev_pins = read_lock(DEV_LOCK, include=INCLUDE)
    errors = [f"{name} is pinned in both locks" for name in sorted(set(runtime_pins) & set(dev_pins))]
    runtime_errors = []
    runtime_needed = closure(runtime, runtime_errors, runtime_pins)
    errors += [f"requirements.lock: {error}" for error in runtime_errors]
    all_pins = runtime_pins | dev_pins
    all_errors = []
    all_needed = closure(runtime + dev, all_errors, all_pins)
    errors += [f"requirements-dev.lock: {error}" for error in all_errors if error not in runtime_errors]

    for name, version in sorted(runtime_pins.items()):
        if name not in runtime_needed:
            where = "only the dev extra needs it: move it" if name in all_needed else "nothing needs it"
            errors.append(f"requirements.lock: {name}=={version} is pinned but {where}")
    for name, version in sorted(dev_pins.items()):
        if name not in all_needed:
            errors.append(f"requirements-dev.lock: {name}=={version} is pinned but nothing in pyproject.toml needs it")
    for name, version in sorted(all_pins.items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            errors.append(f"{name}=={version} is pinned but not installed")
            continue
        if installed != version:
            errors.append(f"{name}: {installed} installed, {version} pinned")

    if errors:
        print("The locks and pyproject.toml disagree:", *errors, sep="\n  ")
        return 1
    print(
        f"requirements.lock: {len(runtime_pins)} pins, requirements-dev.lock: {len(dev_pins)} more; consistent "
        "with pyproject.toml and the installed packages."
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        sys.exit(check())
