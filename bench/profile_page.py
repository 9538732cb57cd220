"""Where one page's time goes: the page read in-process (Django's test client, no HTTP) by the people of
bench/page_load.py on the 2,000-government region in a private PostgreSQL cluster: its queries (SQL and
time), its time per request with and without cProfile, and the profile's heaviest functions, cumulative and
own time. For finding what to remove before measuring under load (issue 14, item 2).

    .venv/bin/python bench/profile_page.py official:/ staff:/admin/authorities/official/ /verify/
        [--governments 2000] [--requests 200] [--out bench/results/profile_page.txt]

A page is `[who:]path`, who being `official` (the official of page_load.py) or `staff` (regional staff);
anonymous without it.
"""

import argparse
import atexit
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_and_faults import region_in_process
from bench.processes import ROOT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--governments", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "profile_page.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-profile-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    lines, summary = [], []
    with region_in_process(args, workdir) as cookies:
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        lines.append(f"One page at a time, in-process, {args.requests} requests each, generate_region "
                     f"--governments {args.governments}, PostgreSQL 15 (private cluster)")  # fmt: skip
        for page in args.pages:
            who, _, path = page.partition(":") if ":" in page else ("", "", page)
            client = Client(HTTP_HOST="localhost")
            if who:
                client.cookies[settings.SESSION_COOKIE_NAME] = cookies[who]
            for _ in range(5):  # templates compiled, caches filled
                response = client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            heading = f"== {page}: {response.status_code}, {len(response.content)} bytes, {len(queries)} queries"
            lines.append("\n" + heading)
            lines += [f"  {query['time']} s  {query['sql'][:160]}" for query in queries.captured_queries]
            started = time.perf_counter()
            for _ in range(args.requests):
                client.get(path)
            plain = (time.perf_counter() - started) / args.requests * 1000
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            lines.append(f"  {plain:.2f} ms a request ({args.requests} requests; profiled figures below are ~2x)")
            summary += [heading, lines[-1]]
            for order in ("cumulative", "tottime"):
                text = io.StringIO()
                pstats.Stats(profile, stream=text).sort_stats(order).print_stats(30)
                lines.append(text.getvalue())
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join([lines[0], *summary]))


if __name__ == "__main__":
    main()
