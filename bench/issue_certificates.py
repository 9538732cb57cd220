"""Benchmark: issue 1,000 certificates end to end (record, render, store), one by one and in batches.

Both runs go through the real issuance service (`certificates.services.process_issuance`): each claims the
recognition row, renders the PDF, stores it through Django's default storage with its SHA-256, and marks the
item issued. They differ only in how many certificates are rendered together: one (its shared page laid out by
WeasyPrint for it alone), or a chunk: the pages' shared layer laid out by WeasyPrint once for the chunk, each
holder's words drawn on their copy of it (certificates/holder.py, see certificates/pdf.py). Both use the same
template, stylesheet and fonts, and the same caches (the parsed stylesheet and the font configuration, kept for
the life of the process).
A third run keeps the batched database work (chunks) but renders one document per certificate, to show what the
rendering alone gains.
E-mails are left out (the measure is render, store, record): the e-mail step is replaced by a no-op.

Run from the project root (a throw-away SQLite database and media folder are made in a temporary directory):

    python bench/issue_certificates.py [--count 1000] [--chunk 25] [--out bench/results/certificates.txt]
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


def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument(
        "--naive", type=int, default=200, help="certificates for the naive one-by-one reference run (0: none)"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "certificates.txt"))
    args = parser.parse_args()

    # On a memory file system when there is one: the disk's fsyncs per commit are not what is measured.
    shm = Path("/dev/shm")
    workdir = Path(tempfile.mkdtemp(prefix="alp-bench-", dir=shm if shm.is_dir() else None))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alp_portal.settings")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    # As in production: no query log kept in memory, no debug machinery.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the public pages computed after an issuance are kept there
    with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
        lines = run(args, settings)
    lines.append(f"command: python bench/issue_certificates.py --count {args.count} --chunk {args.chunk}")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


def bench_initiative(name, slug):
    from initiative.models import Initiative

    return Initiative.objects.create(
        name=name,
        slug=slug,
        year=2023,
        region="América del Sur",
        signatory_name="Marcelo Pisani",
        signatory_title="Director Regional",
    )


def make_batch(initiative, officials, staff):
    from certificates.enums import RecognitionKind
    from certificates.models import IssuanceBatch, IssuanceItem

    batch = IssuanceBatch.objects.create(initiative=initiative, requested_by=staff, total=len(officials))
    IssuanceItem.objects.bulk_create(
        IssuanceItem(batch=batch, kind=RecognitionKind.PERSON, official=official) for official in officials
    )
    return batch


def timed_issue(batch, chunk, samples):
    """Run the issuance of `batch`, sampling the resident memory after every chunk."""
    from certificates import services

    original = services.refresh_progress
    services.send_recognition_email = lambda recognition, pdf: True  # "sent": the e-mail is not measured

    def sampling_refresh(**kwargs):
        samples.append(rss_mib())
        return original(**kwargs)

    services.refresh_progress = sampling_refresh
    try:
        start, cpu = time.perf_counter(), time.process_time()
        batch = services.process_issuance(batch_id=batch.pk, chunk_size=chunk)
        return time.perf_counter() - start, time.process_time() - cpu, batch
    finally:
        services.refresh_progress = original


def naive_renderer(pdf_module):
    """One by one as a straightforward implementation does it: every document parses the stylesheet and loads
    the fonts afresh (the portal keeps them for the life of the process)."""
    cached = pdf_module.render_recognition_pdf

    def render(recognition, language=None):
        pdf_module._renderer.cache_clear()
        return cached(recognition, language)

    return render


def run(args, settings):
    from django.contrib.auth import get_user_model

    from authorities.models import LocalGovernment, Official
    from certificates.models import Recognition
    from certificates.pdf import render_recognition_pdf
    from initiative.models import Initiative

    staff = get_user_model().objects.create_user(username="bench", email="bench@iom.test", is_staff=True)
    staff.is_superuser = True
    staff.save()
    governments = LocalGovernment.objects.bulk_create(
        LocalGovernment(name=f"Municipalidad de San José de las Piñas {i}", country=c, region="Región")
        for i, c in enumerate(["AR", "BR", "CL", "CO", "PE"] * 4)
    )
    languages = ["es", "pt-br", "en"]
    officials = Official.objects.bulk_create(
        Official(
            first_name=f"María José {i}",
            last_name="Gonçalves Núñez",
            position="Secretaria de Asuntos Migratorios",
            email=f"p{i}@example.org",
            language=languages[i % 3],
            local_government=governments[i % len(governments)],
        )
        for i in range(args.count)
    )
    officials = list(Official.objects.select_related("local_government").order_by("pk"))
    one_by_one = bench_initiative("ALP uno a uno", "bench-one")
    batched = bench_initiative("ALP por lotes", "bench-batch")

    # Warm up: import WeasyPrint, load the fonts and the stylesheet (both modes share this).
    warm = Initiative.objects.create(name="warm", slug="warm", year=2023, region="x")
    warm_batch = make_batch(warm, officials[:2], staff)
    timed_issue(warm_batch, 2, [])
    render_recognition_pdf(Recognition.objects.filter(initiative=warm).first())

    single_samples, batch_samples = [], []
    single_seconds, single_cpu, single = timed_issue(make_batch(one_by_one, officials, staff), 1, single_samples)
    batch_seconds, batch_cpu, multi = timed_issue(make_batch(batched, officials, staff), args.chunk, batch_samples)

    from certificates import pdf as pdf_module

    chunked_single = bench_initiative("ALP por lotes, un documento por certificado", "bench-chunked-single")
    batched_renderer = pdf_module.render_recognition_pdfs
    pdf_module.render_recognition_pdfs = lambda recognitions: [
        pdf_module.render_recognition_pdf(r) for r in recognitions
    ]
    try:
        cs_seconds, cs_cpu, cs = timed_issue(make_batch(chunked_single, officials, staff), args.chunk, [])
    finally:
        pdf_module.render_recognition_pdfs = batched_renderer

    naive_line = []
    if args.naive:
        naive = bench_initiative("ALP ingenuo", "bench-naive")
        original = pdf_module.render_recognition_pdf
        pdf_module.render_recognition_pdf = naive_renderer(pdf_module)
        try:
            naive_seconds, naive_cpu, naive_batch = timed_issue(
                make_batch(naive, officials[: args.naive], staff), 1, []
            )
        finally:
            pdf_module.render_recognition_pdf = original
        naive_rate = naive_batch.done / naive_seconds
        naive_line = [
            f"reference, naive one by one (stylesheet and fonts loaded for every document), "
            f"{naive_batch.done} certificates: {naive_rate:.1f} certificates/s "
            f"({1000 * naive_cpu / naive_batch.done:.1f} ms of CPU each); batched is "
            f"{(multi.done / batch_seconds) / naive_rate:.2f}x by the clock, "
            f"{(naive_cpu / naive_batch.done) / (batch_cpu / multi.done):.2f}x by CPU time",
        ]

    stored = Recognition.objects.filter(initiative__in=[one_by_one, batched]).exclude(pdf="").count()
    single_rate = single.done / single_seconds
    batch_rate = multi.done / batch_seconds
    quarter = max(1, len(batch_samples) // 4)
    memory = ", ".join(f"{batch_samples[min(i * quarter, len(batch_samples) - 1)]:.0f}" for i in range(4))
    return [
        f"Issue {args.count} certificates end to end (record, render with WeasyPrint, store, SHA-256)",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, database SQLite (file), "
        f"storage {settings.STORAGES['default']['BACKEND'].rsplit('.', 1)[-1]}",
        f"one by one:        {single.done} issued, {single.failed} failed in {single_seconds:.1f} s = "
        f"{single_rate:.1f} certificates/s ({1000 * single_seconds / single.done:.1f} ms each)",
        f"batched ({args.chunk}/doc):  {multi.done} issued, {multi.failed} failed in {batch_seconds:.1f} s = "
        f"{batch_rate:.1f} certificates/s ({1000 * batch_seconds / multi.done:.1f} ms each)",
        f"ratio batched / one by one: {batch_rate / single_rate:.2f}x by the clock (target >= 2.5x); "
        f"{single_cpu / batch_cpu:.2f}x by CPU time ({1000 * single_cpu / single.done:.1f} vs "
        f"{1000 * batch_cpu / multi.done:.1f} ms of CPU per certificate)",
        f"rendering alone: chunks of {args.chunk} records but one document per certificate: {cs.done} issued, "
        f"{cs.failed} failed in {cs_seconds:.1f} s = {cs.done / cs_seconds:.1f} certificates/s "
        f"({1000 * cs_cpu / cs.done:.1f} ms of CPU each); batched is {batch_rate / (cs.done / cs_seconds):.2f}x "
        f"by the clock, {cs_cpu / batch_cpu:.2f}x by CPU time",
        f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(other work on the machine slows the clock figures, less the CPU ones)",
        *naive_line,
        f"PDFs stored: {stored}",
        f"resident memory during the batched run, at 0/25/50/75 % (MiB): {memory}; "
        f"at the end {batch_samples[-1]:.0f} MiB; one-by-one run ended at {single_samples[-1]:.0f} MiB",
    ]


if __name__ == "__main__":
    main()
