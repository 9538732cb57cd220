"""Benchmark: signing and verifying Open Badges 3.0 credentials (eddsa-rdfc-2022 over pyld's RDFC-1.0).

In a throw-away SQLite database: N person recognitions, then `issue_credentials` over them in chunks (build,
canonicalise, sign, reserve status list slots, store: the issuance path end to end), then `proofs.verify` of every
stored credential (canonicalise and check the Ed25519 signature) with the status list's bit looked up. Prints
and writes credentials per second and milliseconds each, wall clock and CPU.

    python bench/credentials.py [--count 10000] [--chunk 200] [--out bench/results/credentials.txt]
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "credentials.txt"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="alp-credentials-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    from certificates.keys import new_private_key, private_multibase

    os.environ["ALP_CREDENTIAL_SIGNING_KEY"] = private_multibase(new_private_key())
    os.environ.pop("ALP_CREDENTIAL_SIGNING_KEY_FILE", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from authorities.models import LocalGovernment, Official
    from certificates.credentials import issue_credentials
    from certificates.enums import RecognitionKind
    from certificates.issuer import public_keys_by_method
    from certificates.models import Recognition, StatusList
    from certificates.proofs import verify
    from certificates.status_list import encode_bits
    from initiative.models import Initiative

    call_command("migrate", verbosity=0)
    staff = get_user_model().objects.create_user("bench@iom.test", "bench@iom.test", "x")
    initiative = Initiative.objects.create(name="ALP Benchmark 2026", slug="bench", year=2026, region="South America")
    governments = LocalGovernment.objects.bulk_create(
        [LocalGovernment(name=f"Municipio {i}", country="AR") for i in range(max(1, args.count // 10))]
    )
    officials = Official.objects.bulk_create(
        [
            Official(
                local_government=governments[i % len(governments)],
                first_name=f"Nombre{i}",
                last_name=f"Apellido Precursor{i}",
                email=f"official{i}@bench.example",
            )
            for i in range(args.count)
        ]
    )
    now = timezone.now()
    Recognition.objects.bulk_create(
        [
            Recognition(
                initiative=initiative,
                kind=RecognitionKind.PERSON,
                official=official,
                holder_name=f"{official.first_name} {official.last_name}",
                issued_at=now,
                issued_by=staff,
            )
            for official in officials
        ]
    )
    pks = list(Recognition.objects.order_by("pk").values_list("pk", flat=True))

    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(pks), args.chunk):
        issue_credentials(recognitions=list(Recognition.objects.filter(pk__in=pks[start : start + args.chunk])))
    sign_wall, sign_cpu = time.perf_counter() - wall, time.process_time() - cpu

    keys = public_keys_by_method()
    lists = {}
    for status_list in StatusList.objects.all():
        lists[status_list.pk] = status_list
    credentials = list(Recognition.objects.order_by("pk").values_list("credential", "status_list_id"))
    wall, cpu = time.perf_counter(), time.process_time()
    valid = 0
    for credential, _list_id in credentials:
        valid += verify(credential, public_keys=keys)
    verify_wall, verify_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert valid == len(credentials) == args.count, (valid, len(credentials))

    size = len(encode_bits([], 131072))
    count = args.count
    lines = [
        f"Open Badges 3.0 credentials, eddsa-rdfc-2022 (pyld RDFC-1.0 + Ed25519), {count} person credentials",
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite",
        f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "",
        f"issue (build, sign, reserve slots, store; chunks of {args.chunk}): {sign_wall:.1f} s wall, "
        f"{sign_cpu:.1f} s CPU; {count / sign_wall:.1f} credentials/s; {1000 * sign_wall / count:.2f} ms each; "
        f"{count / sign_cpu:.1f} per CPU-second",
        f"verify (canonicalise, Ed25519): {verify_wall:.1f} s wall, {verify_cpu:.1f} s CPU; "
        f"{count / verify_wall:.1f} credentials/s; {1000 * verify_wall / count:.2f} ms each; "
        f"{count / verify_cpu:.1f} per CPU-second",
        f"status lists: {StatusList.objects.count()}; an empty list's encodedList is {size} characters",
        f"a credential's JSON: {len(str(credentials[0][0]))} characters",
        "",
        "command: .venv/bin/python bench/credentials.py " + " ".join(sys.argv[1:]),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
