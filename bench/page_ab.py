"""Benchmark (issue 14, item 2): the pages of bench/page_load.py served by two commits side by side, under the same
load, in slices that alternate between them: requests per second of each and the change from the base commit to
the working tree. A ratio to the trivial page from one run of page_load.py moves by ±15 % as the machine's
speed drifts; two gunicorns measured in turn over the same minutes see the same drift, so the change a commit
makes shows through it. Both serve one PostgreSQL cluster (the 2,000-government region), so the two commits must
have the same migrations.

    .venv/bin/python bench/page_ab.py BASE [--governments 2000] [--seconds 4] [--slices 6] [--clients 16]

BASE is any commit (a `git worktree` of it is made in a temporary folder and removed at the end).
"""

import argparse
import atexit
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_and_faults import Balancer, answers, free_port, run_load, start_gunicorn
from bench.page_load import PAGES, prepared_portal
from bench.processes import ROOT, load_average, postgres_cluster, stop, wait_until


def rate(balancer, page, seconds, clients):
    threads, results = run_load(balancer, [page], seconds, clients=clients)
    for thread in threads:
        thread.join()
    errors = sum(1 for *_, status, _mark, _error in results if status != 200)
    return len(results) / seconds, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare the working tree with")
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=4, help="length of one slice")
    parser.add_argument("--slices", type=int, default=6, help="slices of each page on each side")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "page_ab.txt"))
    args = parser.parse_args()
    base = subprocess.run(
        ["git", "rev-parse", "--short", args.base], cwd=ROOT, check=True, capture_output=True, text=True
    )
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True)
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-ab-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    tree = workdir / "base"
    subprocess.run(["git", "worktree", "add", "--detach", "--quiet", tree, args.base], cwd=ROOT, check=True)
    atexit.register(subprocess.run, ["git", "worktree", "remove", "--force", tree], cwd=ROOT, check=False)
    lines = []
    with postgres_cluster() as cluster:
        environment, cookies = prepared_portal(cluster, workdir, args)
        # The base commit's own static files and manifest, in its own tree.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=tree,
            env={**os.environ, **environment, "PYTHONPATH": str(tree)},
            check=True,
        )
        ports = {"base": free_port(), "head": free_port()}
        servers = {
            "base": start_gunicorn(environment, ports["base"], workdir / "base.log", tree=tree),
            "head": start_gunicorn(environment, ports["head"], workdir / "head.log"),
        }
        try:
            wait_until(lambda: all(answers(port) == 200 for port in ports.values()), 120, "gunicorn")
            balancers = {side: Balancer([port]) for side, port in ports.items()}
            for label, path, who in PAGES:
                page = (label, path, cookies[who])
                for balancer in balancers.values():
                    rate(balancer, page, 2, 4)  # every worker's first requests
                rates, errors = {"base": [], "head": []}, 0
                for i in range(args.slices):
                    # Each side first in every other round: neither always follows the other's load.
                    for side in ("base", "head") if i % 2 == 0 else ("head", "base"):
                        value, failed = rate(balancers[side], page, args.seconds, args.clients)
                        rates[side].append(value)
                        errors += failed
                before, after = statistics.median(rates["base"]), statistics.median(rates["head"])
                lines.append(
                    f"  {label:<34} base {before:>6.1f}  head {after:>6.1f} requests/s  "
                    f"{(after / before - 1) * 100:+6.1f} %  errors {errors}  "
                    f"(slices: base {' '.join(f'{x:.0f}' for x in rates['base'])}; "
                    f"head {' '.join(f'{x:.0f}' for x in rates['head'])})"
                )
                print(lines[-1], flush=True)
        finally:
            for server in servers.values():
                stop(server)
    header = [
        f"Pages under load, two commits side by side (issue 14, item 2): base {base.stdout.strip()}, head "
        f"{head.stdout.strip()} (the working tree); each a gunicorn of 2 workers, {args.clients} clients, "
        f"{args.slices} slices of {args.seconds:g} s a page on each side, alternating; medians of the slices. "
        f"PostgreSQL 15 (private cluster), generate_region --governments {args.governments}",
        f"machine: {os.cpu_count()} cores shared, Python {platform.python_version()}; the clients run on the same "
        "cores as the servers",
    ]
    text = "\n".join(
        [*header, *lines, f"load average at the end: {load_average()}", f"command: python bench/page_ab.py {args.base}"]
    )
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
