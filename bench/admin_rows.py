"""The admin changelists with Django's own rows and with alp_portal/templatetags/admin_rows.py's, in-process,
alternating request by request (issue 14, item 2): ms a request of each and whether the two pages are the same
HTML (the CSRF token and the CSP nonce aside, which differ on every request). On the 2,000-government region of
bench/page_load.py in a private PostgreSQL cluster, as regional staff:

    .venv/bin/python bench/admin_rows.py [--governments 2000] [--rounds 30] [--out bench/results/admin_rows.txt]
"""

import argparse
import atexit
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_and_faults import region_in_process
from bench.processes import ROOT

PAGES = ["/admin/authorities/official/", "/admin/authorities/localgovernment/", "/admin/workshops/attendance/"]
PER_REQUEST = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "admin_rows.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-rows-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    lines = []
    with region_in_process(args, workdir) as cookies:
        from django.conf import settings
        from django.contrib.admin.templatetags import admin_list
        from django.test import Client

        from alp_portal.templatetags import admin_rows

        ours = admin_rows.results
        ways = {"Django's rows": lambda cl: list(admin_list.results(cl)), "these rows": ours}
        lines.append(
            f"Admin changelists in-process, {args.rounds} rounds of 3 requests each way, alternating, generate_region "
            f"--governments {args.governments}, PostgreSQL 15 (private cluster), regional staff"
        )
        try:
            for path in PAGES:
                client = Client(HTTP_HOST="localhost")
                client.cookies[settings.SESSION_COOKIE_NAME] = cookies["staff"]
                pages, times = {}, {name: [] for name in ways}
                for name, way in ways.items():
                    admin_rows.results = way
                    for _ in range(3):
                        pages[name] = client.get(path).content
                for _ in range(args.rounds):
                    for name, way in ways.items():
                        admin_rows.results = way
                        started = time.perf_counter()
                        for _ in range(3):
                            client.get(path)
                        times[name].append((time.perf_counter() - started) / 3 * 1000)
                same = len({PER_REQUEST.sub(b"", page) for page in pages.values()}) == 1
                lines.append(f"  {path}  ({len(pages['these rows'])} bytes, same HTML: {same})")
                for name, values in times.items():
                    median = statistics.median(values)
                    lines.append(f"    {name:<14} median {median:6.2f} ms  min {min(values):6.2f} ms")
                print("\n".join(lines[-3:]), flush=True)
        finally:
            admin_rows.results = ours
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
