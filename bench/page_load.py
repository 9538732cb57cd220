"""Benchmark (issue 14, item 2): pages under load, each against a trivial page: one gunicorn of 2 workers on
PostgreSQL (the 2,000-government region), 16 clients asking for one page at a time for a fixed time; requests
per second, p50 and p95, and the ratio of each page's rate to the trivial page's, measured in slices that
alternate with the page's own (so that the machine's load, which drifts over a run, cancels out as far as it can).

The pages: the trivial page (the verification form, anonymous), an official's home and Automapeo, and the
officials, local governments and attendance lists of the admin as regional staff. Starts its own PostgreSQL
cluster and gunicorn (bench/processes.py, bench/load_and_faults.py) and stops them; run from the project root:

    .venv/bin/python bench/page_load.py [--governments 2000] [--seconds 20] [--clients 16] [--slices 5]
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


def prepared_portal(cluster, workdir, args):
    """The portal's environment on `cluster`, migrated, with the region and the people whose pages are loaded:
    (environment, the session cookie of each `who` of PAGES)."""
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
    return environment, cookies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--slices", type=int, default=5, help="slices of each page, each after one of the trivial page")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "page_load.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-pages-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    lines = []
    with postgres_cluster() as cluster:
        environment, cookies = prepared_portal(cluster, workdir, args)
        port = free_port()
        gunicorn = start_gunicorn(environment, port, workdir / "gunicorn.log")
        try:
            wait_until(lambda: answers(port) == 200, 120, "gunicorn")
            balancer = Balancer([port])
            pages = [(label, path, cookies[who]) for label, path, who in PAGES]
            warm, _ = run_load(balancer, pages, 5, clients=4)  # every worker's first request of every page
            for thread in warm:
                thread.join()
            # Each page in slices alternating with the trivial page, its ratio taken to the trivial page's rate in
            # those same slices: the machine's load drifts over a run (the trivial page measured once at the start
            # gave ratios from 0.19x to 0.28x for the same page in three runs), and drift slower than a slice
            # cancels out.
            trivial_page, *measured = pages
            slice_seconds = args.seconds / args.slices
            trivial_all = []
            for page in measured:
                done = {trivial_page[0]: [], page[0]: []}
                for _ in range(args.slices):
                    for one in (trivial_page, page):
                        threads, results = run_load(balancer, [one], slice_seconds, clients=args.clients)
                        for thread in threads:
                            thread.join()
                        done[one[0]] += results
                trivial_all += done[trivial_page[0]]
                trivial_rate = len(done[trivial_page[0]]) / args.seconds
                results = done[page[0]]
                latencies = [(finished - started) * 1000 for started, finished, *_ in results]
                errors = sum(1 for *_, status, _mark, _error in results if status != 200)
                rate = len(results) / args.seconds
                lines.append(
                    f"  {page[0]:<34} {rate:>7.1f} requests/s  p50 {percentile(latencies, 0.5):>5.0f} ms  "
                    f"p95 {percentile(latencies, 0.95):>5.0f} ms  errors {errors}  "
                    f"{rate / trivial_rate:.3f}x the trivial page ({trivial_rate:.0f} requests/s in its slices)"
                )
                print(lines[-1], flush=True)
            latencies = [(finished - started) * 1000 for started, finished, *_ in trivial_all]
            errors = sum(1 for *_, status, _mark, _error in trivial_all if status != 200)
            lines.insert(
                0,
                f"  {trivial_page[0]:<34} {len(trivial_all) / (args.seconds * len(measured)):>7.1f} requests/s  "
                f"p50 {percentile(latencies, 0.5):>5.0f} ms  p95 {percentile(latencies, 0.95):>5.0f} ms  "
                f"errors {errors}  (over all its slices)",
            )
        finally:
            stop(gunicorn)
    header = [
        f"Pages under load (issue 14, item 2): one gunicorn of 2 workers, {args.clients} clients for {args.seconds} s "
        f"a page in {args.slices} slices, each after a slice of the trivial page, PostgreSQL 15 (private cluster, unix "
        "socket, fsync off), generate_region --governments "
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
