"""The cohort report never keeps anyone waiting (issue 14, item 5): it is rendered in the background, kept in
the storage under the fingerprint of its data, and served from there; a reader of a report being rendered is
told so and offered the previous version; what changes the public report renders it anew at once."""

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from authorities.models import LocalGovernment, Official
from certificates.enums import RecognitionKind
from certificates.models import Recognition
from certificates.revocation import revoke_recognition
from initiative import report
from initiative.enums import Language, Piece
from initiative.freshness import data_fingerprint
from initiative.models import ReportFile
from initiative.services import set_publication
from tests import factories as f
from workshops.attendance import record_attendance
from workshops.models import AlmiAgendaItem

from .dissemination_world import build
from .test_dissemination import _pdf_text, pdf_of

pytestmark = pytest.mark.django_db

QUEUED_ONLY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # a worker that has not run yet


@pytest.fixture
def world():
    world = build()
    set_publication(initiative=world.initiative, piece=Piece.AUTOMAPEO, published=True, by=world.staff)
    return world


@pytest.fixture
def renders(monkeypatch):
    """The reports laid out, as they are (a spy on the layout, which still runs)."""
    done = []
    write_pdf = report._write_pdf
    monkeypatch.setattr(report, "_write_pdf", lambda html: done.append(html) or write_pdf(html))
    return done


def url(world, language="es", **params):
    query = "&".join(f"{key}={value}" for key, value in {"lang": language, **params}.items())
    return reverse("initiative:report", args=[world.initiative.slug]) + "?" + query


def test_the_fingerprint_is_one_query_and_moves_with_every_writer(world, django_assert_num_queries):
    initiative = world.initiative
    leaving = f.make_official(world.g1, email="se.va@rosario.gob.ar")
    with django_assert_num_queries(1):
        first = data_fingerprint(initiative)
    assert data_fingerprint(initiative) == first  # nothing changed
    other = data_fingerprint(world.other_initiative)

    steps = []

    def moved(what):
        steps.append((what, data_fingerprint(initiative)))

    set_publication(initiative=initiative, piece=Piece.ALMI, published=True, by=world.staff)
    moved("publication")
    revoke_recognition(
        recognition=Recognition.objects.filter(initiative=initiative, kind=RecognitionKind.PERSON).first(),
        reason="Error de carga",
        by=world.staff,
    )
    moved("revocation")
    session = f.make_session(f.make_event(initiative))
    moved("a session")
    record_attendance(session=session, statuses={world.o1.pk: "present"}, by=world.staff)
    moved("attendance")
    record_attendance(session=session, statuses={world.o1.pk: "absent"}, by=world.staff)
    moved("attendance changed in bulk")
    world.o1.public_consent = not world.o1.public_consent
    world.o1.save()
    moved("an official's consent")
    LocalGovernment.objects.filter(pk=world.g1.pk).update(name="Rosario (editado)", updated=timezone.now())
    moved("a government's name")
    AlmiAgendaItem.objects.get(pk=world.items[2].pk).contributions.add(world.contributions[3])
    moved("a contribution linked to the agenda")
    Official.objects.filter(pk=leaving.pk).delete()
    moved("an official deleted")
    fingerprints = [first] + [fingerprint for _what, fingerprint in steps]
    assert len(set(fingerprints)) == len(fingerprints), steps
    # Officials and governments are shown by every initiative: another's fingerprint moved with them.
    assert data_fingerprint(world.other_initiative) != other


def test_the_report_is_served_from_the_storage_until_its_data_change(world, client, renders, django_assert_num_queries):
    first = client.get(url(world))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert len(renders) == 1
    stored = ReportFile.objects.get(initiative=world.initiative, language="es")
    assert stored.pieces == "automapeo" and default_storage.exists(stored.pdf.name)
    first = pdf_of(first)
    assert first == stored.pdf.open("rb").read()
    # Served again: no layout, a fixed number of queries, the same bytes.
    with django_assert_num_queries(4):  # the initiative, its publications, the fingerprint, the stored file
        again = client.get(url(world))
    assert pdf_of(again) == first and len(renders) == 1
    # The data change: rendered anew, the previous file removed from the storage.
    world.initiative.name = "ALP Sudamérica 2023 (revisado)"
    world.initiative.save()
    newer = client.get(url(world))
    assert "ALP Sudamérica 2023 (revisado)" in _pdf_text(pdf_of(newer)) and len(renders) == 2
    assert not default_storage.exists(stored.pdf.name)


def test_a_reader_of_a_report_being_rendered_is_offered_the_previous_version(world, client, renders):
    old = pdf_of(client.get(url(world, "en")))
    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    with override_settings(TASKS=QUEUED_ONLY):
        from django.tasks import default_task_backend

        waiting = client.get(url(world, "en"), HTTP_ACCEPT_LANGUAGE="en")
        assert waiting.status_code == 202 and waiting["Retry-After"] == "30"
        page = waiting.content.decode()
        assert "The report is being prepared" in page
        assert url(world, "en", previous=1).replace("&", "&amp;") in page
        for _reader in range(5):
            client.get(url(world, "en"))
        assert len(default_task_backend.results) == 1  # many readers, one rendering queued
        previous = client.get(url(world, "en", previous=1))
        assert previous.status_code == 200 and pdf_of(previous) == old
        assert previous["Warning"] == '110 - "Response is Stale"'
        assert len(renders) == 1  # no reader waited for a layout
        queued = default_task_backend.results[0]
    report.render_stored_report(*queued.args)  # the worker runs it
    fresh = client.get(url(world, "en"))
    assert fresh.status_code == 200 and "Rosario" in _pdf_text(pdf_of(fresh))


def test_a_report_never_rendered_yet_says_so_without_a_previous_version(world, client):
    with override_settings(TASKS=QUEUED_ONLY):
        waiting = client.get(url(world, "pt-br"), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert waiting.status_code == 202
    assert "previous=1" not in waiting.content.decode()


def test_a_revocation_renders_the_public_report_anew_at_once(world, client, django_capture_on_commit_callbacks):
    set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    client.get(url(world))  # the public report exists
    recognition = Recognition.objects.get(
        initiative=world.initiative, kind=RecognitionKind.GOVERNMENT, local_government=world.g1
    )
    with django_capture_on_commit_callbacks(execute=True):
        revoke_recognition(recognition=recognition, reason="Datos falsos", by=world.staff)
    fingerprint = data_fingerprint(world.initiative)
    stored = ReportFile.objects.filter(initiative=world.initiative, pieces="automapeo,recognized")
    assert sorted(stored.values_list("language", flat=True)) == sorted(Language.values)
    assert {r.fingerprint for r in stored} == {fingerprint}  # every language, before any reader asks
    text = _pdf_text(stored.get(language="es").pdf.open("rb").read())
    assert "Rosario" not in text


def test_rendering_a_current_report_again_does_nothing(world, client, renders):
    client.get(url(world))
    stored = ReportFile.objects.get(initiative=world.initiative, language="es")
    assert report.render_stored_report(stored.pk).pdf.name == stored.pdf.name
    assert len(renders) == 1


def test_the_staffs_report_with_unpublished_pieces_is_kept_apart(world, client):
    client.get(url(world))  # the public one
    client.force_login(world.staff)
    staff_view = client.get(url(world))
    assert staff_view.status_code == 200
    assert sorted(ReportFile.objects.values_list("pieces", flat=True)) == [
        "almi,automapeo,knowledge,recognized",
        "automapeo",
    ]


def test_the_public_pages_are_computed_before_their_first_reader(
    world, client, monkeypatch, django_capture_on_commit_callbacks
):
    """What changes the public pieces (here a publication) computes the public pages' data in every language in
    the background: the first reader after the change reads them from the cache, computing nothing."""
    from initiative import views

    with django_capture_on_commit_callbacks(execute=True):
        set_publication(initiative=world.initiative, piece=Piece.RECOGNIZED, published=True, by=world.staff)
    computed = []
    for name, compute in list(views.PAGE_DATA.items()):
        monkeypatch.setitem(
            views.PAGE_DATA, name, lambda *args, name=name, compute=compute: computed.append(name) or compute(*args)
        )
    slug = world.initiative.slug
    for language in Language.values:
        for page in ("initiative:detail", "initiative:automapeo", "initiative:recognized"):
            response = client.get(reverse(page, args=[slug]), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
    assert computed == []
    # Data changed by something else than those (an official renamed in the admin): the first reader computes.
    Official.objects.filter(pk=world.o1.pk).update(first_name="Otra", updated=timezone.now())
    client.get(reverse("initiative:detail", args=[slug]))
    assert computed == ["figures"]
