"""Benchmark (issue 14, item 2): pages under load, each against a trivial page: one gunicorn of 2 workers on
PostgreSQL (the 2,000-government region), 16 clients asking for one page at a time for a fixed time; requests
per second, p50 and p95, and the ratio of each page's rate to the trivial page's (measured in the same run, so
that the machine's load cancels out as far as it can).

The pages: the trivial page (the verification form, anonymous), an official's home and Automapeo, and the
officials, local governments and attendance lists of the admin as regional staff. Starts its own PostgreSQL
cluster and gunicorn (bench/processes.py, bench/load_and_faults.py) and stops them; run from the project root:

    .venv/bin/python bench/page_load.py [--governments 2000] [--seconds 20] [--clients 16]
"""

import argparse
import atexit
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_and_faults import (
    Balancer,
    answers,
    free_port,
    percentile,
    prepare,
    run_load,
    setup_django,
    start_gunicorn,
)
from bench.processes import ROOT, load_average, portal_environment, postgres_cluster, stop, wait_until

# (label, path, whose session) of the pages loaded one at a time; the targets `prepare` gives are named by label.
PAGES = [
    ("trivial page (verification form)", "/verify/", None),
    ("official's home", "/", "official"),
    ("Automapeo", "/automapeo/", "official"),
    ("officials list", "/admin/authorities/official/", "staff"),
    ("local governments list", "/admin/authorities/localgovernment/", "staff"),
    ("attendance list", "/admin/workshops/attendance/", "staff"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "page_load.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-pages-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    lines = []
    with postgres_cluster() as cluster:
        environment = portal_environment(
            cluster, workdir / "media", DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_PROXY_COUNT="1"
        )
        setup_django(environment)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)
        _staff, targets = prepare(args)
        cookies = {
            "official": next(cookie for name, _path, cookie in targets if name == "official's home"),
            "staff": next(cookie for name, _path, cookie in targets if name == "admin changelist"),
            None: None,
        }
        port = free_port()
        gunicorn = start_gunicorn(environment, port, workdir / "gunicorn.log")
        try:
            wait_until(lambda: answers(port) == 200, 120, "gunicorn")
            balancer = Balancer([port])
            pages = [(label, path, cookies[who]) for label, path, who in PAGES]
            warm, _ = run_load(balancer, pages, 5, clients=4)  # every worker's first request of every page
            for thread in warm:
                thread.join()
            rates = {}
            for page in pages:
                threads, results = run_load(balancer, [page], args.seconds, clients=args.clients)
                for thread in threads:
                    thread.join()
                latencies = [(finished - started) * 1000 for started, finished, *_ in results]
                errors = sum(1 for *_, status, _mark, _error in results if status != 200)
                rates[page[0]] = len(results) / args.seconds
                trivial = rates[PAGES[0][0]]
                lines.append(
                    f"  {page[0]:<34} {rates[page[0]]:>7.1f} requests/s  p50 {percentile(latencies, 0.5):>5.0f} ms  "
                    f"p95 {percentile(latencies, 0.95):>5.0f} ms  errors {errors}  "
                    f"{rates[page[0]] / trivial:.3f}x the trivial page"
                )
                print(lines[-1], flush=True)
        finally:
            stop(gunicorn)
    header = [
        f"Pages under load (issue 14, item 2): one gunicorn of 2 workers, {args.clients} clients for {args.seconds} s "
        f"a page, PostgreSQL 15 (private cluster, unix socket, fsync off), generate_region --governments "
        f"{args.governments}",
        f"machine: {os.cpu_count()} cores shared, Python {platform.python_version()}; the clients run on the same "
        "cores as the server",
    ]
    text = "\n".join(
        [*header, *lines, f"load average at the end: {load_average()}", "command: python bench/page_load.py"]
    )
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
