"""Benchmark: everything issue 14 measures, in one run on PostgreSQL ("speed at the scale of a continent").

Starts a private PostgreSQL 15 cluster (bench/processes.py, as root like CI) and runs, one after the other:

- bench/public_pages.py   the public pages, just changed and read again, at 200, 2,000 and 13,400 governments
- bench/staff_pages.py    the staff's deep admin lists and an official's pages at the same three sizes
- bench/report_pdf.py     the cohort report: fingerprint, rendering, readers, at the same three sizes
- bench/exports_officials.py   the officials and governments exports (20,000 officials), rows/s
- bench/page_load.py      pages under load (gunicorn, 16 clients, 2,000 governments) against a trivial page
- bench/issuance_workers.py    one batch of 10,000 certificates on 1 and 2 db_workers (its own cluster)

Each writes its own file in bench/results/; this one collects them in bench/results/continent.txt. Three sizes
of a region are generated three times (once per script, each in a database of its own): the whole run takes
about half an hour on two cores. Run from the project root:

    .venv/bin/python bench/continent.py [--governments 200 2000 13400] [--skip NAME ...]
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.processes import ROOT, load_average, postgres_cluster

RESULTS = ROOT / "bench" / "results"


def steps(governments, postgres):
    sizes = [str(n) for n in governments]
    return [
        ("public_pages", ["--governments", *sizes, "--postgres", postgres], "public_pages_postgresql.txt"),
        ("staff_pages", ["--governments", *sizes, "--postgres", postgres], "staff_pages_postgresql.txt"),
        ("report_pdf", ["--governments", *sizes, "--postgres", postgres], "report_pdf_postgresql.txt"),
        ("exports_officials", [], "exports_officials.txt"),
        ("page_load", [], "page_load.txt"),
        ("issuance_workers", ["--count", "10000", "--workers", "1,2"], "issuance_workers.txt"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, nargs="+", default=[200, 2000, 13400])
    parser.add_argument("--skip", nargs="*", default=[], help="benchmarks left out (by name, as listed above)")
    args = parser.parse_args()
    summary = [f"Speed at the scale of a continent (issue 14): bench/continent.py, started {time.strftime('%F %T')}"]
    with postgres_cluster() as cluster:
        for name, options, result in steps(args.governments, cluster.url):
            if name in args.skip:
                continue
            started = time.monotonic()
            out = ["--out", str(RESULTS / result)] if name not in ("exports_officials", "issuance_workers") else []
            subprocess.run([sys.executable, f"bench/{name}.py", *options, *out], cwd=ROOT, check=True)
            summary += [
                "",
                f"== {name} ({time.monotonic() - started:.0f} s; load average {load_average()}): {result}",
                (RESULTS / result).read_text().rstrip(),
            ]
    text = "\n".join(summary) + "\n"
    (RESULTS / "continent.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
