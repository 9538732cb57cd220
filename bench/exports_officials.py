# ruff: noqa: E402  (Django is set up on the environment above before anything of it is imported)
"""Benchmark (issue 14, item 4): the officials and local governments exports through their django-import-export
resources and the portal's file formats (authorities.spreadsheets.EXPORT_FORMATS, what the admin's export
answers with), 20,000 officials of 2,000 governments on a throw-away SQLite database in memory; CPU time, best of 3.

    .venv/bin/python bench/exports_officials.py   (results: bench/results/exports_officials.txt)
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.getcwd())
d = tempfile.mkdtemp(dir="/dev/shm")
os.environ["DATABASE_URL"] = f"sqlite:///{d}/b.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_SECRET_KEY"] = "x" * 50
os.environ["SITE_URL"] = "http://localhost"
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.utils import translation

from authorities.models import LocalGovernment, Official
from authorities.resources import LocalGovernmentResource, OfficialResource
from authorities.spreadsheets import EXPORT_FORMATS

u = get_user_model().objects.create_superuser("b", "b@x.org", "p")
govs = LocalGovernment.objects.bulk_create(
    LocalGovernment(name=f"G{i}", country=["AR", "BR", "PE", "CL"][i % 4], region="R") for i in range(2000)
)
Official.objects.bulk_create(
    Official(
        first_name=f"A{i}",
        last_name="B",
        email=f"a{i}@x.org",
        local_government=govs[i % 2000],
        role_kind="mayor" if i % 2 else "other",
        gender="",
        language="es",
        time_zone="America/Lima",
    )
    for i in range(20000)
)
lines = []
for name, res, n in (("officials", OfficialResource, 20000), ("governments", LocalGovernmentResource, 2000)):
    for fmt in (file_format() for file_format in EXPORT_FORMATS):
        best = 1e9
        for _ in range(3):
            with translation.override("es"):
                t = time.process_time()
                ds = res(user=u).export()
                fmt.export_data(ds)
                best = min(best, time.process_time() - t)
        lines.append(f"{name} {fmt.get_title()}: {n / best:,.0f} rows/s (CPU, best of 3)")
lines += [
    "before (2026-12-03): officials csv 8,867, xlsx 3,669; governments csv 9,587, xlsx 2,898 rows/s; "
    "those XLSX figures were of the library's XLSX writer, not the one the admin answers with "
    "(through it, officials xlsx was about 10,400 rows/s before 2026-12-04)",
    "targets (issue 14.4): 20,000 rows/s CSV, 10,000 XLSX",
    "machine: 2 cores shared, Python 3.12.1, SQLite in memory; command: .venv/bin/python bench/exports_officials.py",
]
print("\n".join(lines))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "exports_officials.txt"), "w") as out:
    out.write("\n".join(lines) + "\n")
