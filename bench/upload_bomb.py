"""Benchmark: hostile uploads (zip bombs, hostile CSV shapes) against the shared upload readers.

    python bench/upload_bomb.py [--gigabytes 1]

Generates the files in a temporary directory (tests/zipbombs.py builds a 1 MB workbook whose sheet unpacks to
a gigabyte in well under a second) and reads each in a fresh subprocess, the way every import path reads an
upload: workbooks and spreadsheets through authorities.spreadsheets.read_table, participant reports through
workshops.reports.parse_report. Reports the wall time of the reading, the extra peak memory it cost (the
process's peak resident set during the reading minus its resident set before, with the libraries
already imported) and what the reader answered. Writes bench/results/upload_bomb.txt.
"""

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    import django

    django.setup()


def build_files(folder, gigabytes):
    """{label: (reader, path)}: the hostile files, and the largest workbook and report a person may upload."""
    from authorities.spreadsheets import write_xlsx
    from tests import zipbombs

    unpacked = int(gigabytes * 1024 * MB)
    rows = [[f"Column {n}" for n in range(27)]] + [
        [f"Ana María {row}", f"ana{row}@rosario.gob.ar", row, -34.6 - row / 1e5, *[f"Santa Fe {row % 50}"] * 23]
        for row in range(10_000)
    ]
    size = f"{gigabytes:g} GB"
    workbooks = {
        f"sheet of {size}, size declared": zipbombs.bomb(unpacked=unpacked),
        f"sheet of {size}, declared as 1 MB": zipbombs.bomb(unpacked=unpacked, declared=MB, with_crc=False),
        f"styles of {size}, declared as 1 MB (a part openpyxl reads whole)": zipbombs.bomb(
            "xl/styles.xml", unpacked=unpacked, declared=MB, with_crc=False
        ),
        "sheet of 200 MB of text compressing 70 times, size declared": zipbombs.bomb(
            unpacked=200 * MB, block=zipbombs.textured(100)
        ),
        "sheet of 48 MB of text compressing 70 times, size declared (just inside the limits)": zipbombs.bomb(
            unpacked=48 * MB, block=zipbombs.textured(100)
        ),
        "workbook as Excel writes it (shared strings): 10,000 rows x 27 columns": excel_like(rows),
        "workbook as our exports write it (inline strings): 10,000 rows x 27 columns": write_xlsx(rows[0], rows[1:]),
    }
    report_bytes = 5 * MB - 1024
    zoom_header = b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"
    zoom_rows = b"".join(
        f"Ana Souza {n},ana{n}@rosario.gob.ar,10/18/2023 10:00:00 AM,10/18/2023 11:30:00 AM,90,No\r\n".encode()
        for n in range(19_990)
    )
    reports = {
        "report: 5 MB of 1.7 million short lines": b"ab\n" * (report_bytes // 3),
        "report: 5 MB in one line of commas": zoom_header + b"," * (report_bytes - len(zoom_header)),
        "report: 5 MB, an unclosed quotation mark": zoom_header + b'"' + b"x" * (report_bytes - 200) + b"\n",
        "report: real Zoom report of 20,000 rows (the largest accepted)": zoom_header + zoom_rows,
    }
    spreadsheets = {
        "spreadsheet CSV: 5 MB in one line of commas": b"Nombre,Correo\r\nAna" + b"," * (report_bytes - 20) + b"x",
    }
    files = {}
    for number, (label, content) in enumerate([*workbooks.items(), *spreadsheets.items(), *reports.items()]):
        reader = "report" if label.startswith("report") else "table"
        path = Path(folder) / f"{number}.{'xlsx' if content.startswith(b'PK') else 'csv'}"
        path.write_bytes(content)
        files[label] = (reader, path)
    return files


def excel_like(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reset_peak():
    """The resident set now, in kB, after setting the peak back to it (Linux: /proc/self/clear_refs).

    ru_maxrss alone cannot be used in a child: it keeps the parent's resident set at the fork as a floor.
    """
    status = Path("/proc/self/status")
    if not status.exists():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS")


def peak():
    """The peak resident set in kB: VmHWM where Linux has it, else ru_maxrss."""
    if Path("/proc/self/status").exists():
        return _status_kb("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(reader, path):
    """One reading in this (fresh) process; prints seconds, extra peak memory and the outcome as JSON."""
    setup_django()
    import openpyxl  # noqa: F401  (imported before the baseline: the libraries are not what is measured)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from authorities.spreadsheets import SpreadsheetError, read_table
    from workshops.reports import ReportError, parse_report

    translation.activate("en")
    data = Path(path).read_bytes()
    before = reset_peak()
    start = time.perf_counter()
    try:
        if reader == "report":
            outcome = f"read: {len(parse_report(data).participants)} participants"
        else:
            outcome = f"read: {len(read_table(SimpleUploadedFile(Path(path).name, data)).rows)} rows"
    except (SpreadsheetError, ReportError) as error:
        outcome = f"refused: {getattr(error, 'message', None) or error}"
    except Exception as error:  # a crash is a finding, reported as such
        outcome = f"CRASH {type(error).__name__}: {error}"
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "extra_mb": (peak() - before) / 1024, "outcome": outcome}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "upload_bomb.txt"))
    parser.add_argument("--measure", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    setup_django()
    lines = [
        "Benchmark: bench/upload_bomb.py (issue 11.5), each reading in a fresh process",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "extra memory = peak resident set during the reading (VmHWM, reset through /proc/self/clear_refs just",
        "before) minus the resident set before it, with the libraries already loaded and the file in memory",
        "",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for label, (reader, path) in build_files(folder, args.gigabytes).items():
            environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "alp_portal.settings"}
            done = subprocess.run(
                [sys.executable, __file__, "--measure", reader, str(path)],
                capture_output=True,
                text=True,
                env=environment,
                cwd=ROOT,
            )
            if done.returncode:
                result = {"seconds": float("nan"), "extra_mb": float("nan"), "outcome": done.stderr[-300:]}
            else:
                result = json.loads(done.stdout.strip().splitlines()[-1])
            size = path.stat().st_size / MB
            lines.append(f"{label}  ({size:.2f} MB file)")
            lines.append(
                f"    {result['seconds']:7.3f} s  {result['extra_mb']:8.1f} MB extra   {result['outcome'][:150]}"
            )
            print("\n".join(lines[-2:]), flush=True)
    lines += ["", f"Load average after the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"]
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
