"""The counts and country choices of the busiest admin lists, kept until a table they read changes
(alp_portal/admin_reads.py, issue 14): read once, never another reader's, read again after any change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alp_portal.admin import CountryListFilter
from alp_portal.admin_reads import kept_read
from alp_portal.generations import written_in_bulk
from alp_portal.models import AuditEntry
from authorities.models import LocalGovernment, Official
from tests import factories as f
from tests.test_admin_scoping import world  # noqa: F401  (the fixture)
from workshops.attendance import record_attendance
from workshops.enums import AttendanceStatus
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

LISTS = ["admin:workshops_attendance_changelist", "admin:authorities_official_changelist"]


def page(client, name, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name) + query)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    counted = any("COUNT(" in q for q in sql)
    countries = any('SELECT DISTINCT "authorities_localgovernment"."country"' in q for q in sql)
    cl = response.context["cl"]
    choices = next(spec for spec in cl.filter_specs if isinstance(spec, CountryListFilter)).lookup_choices
    return cl.result_count, [code for code, _name in choices], counted, countries


@pytest.mark.parametrize("name", LISTS)
def test_the_second_page_counts_nothing_and_reads_no_country(client, world, name):  # noqa: F811
    client.force_login(world["regional"])
    first = page(client, name)
    again = page(client, name)
    assert first[2:] == (True, True) and again[2:] == (False, False)
    assert first[:2] == again[:2] and again[1] == ["AR", "BR"]


def test_each_reader_has_their_own_count_and_countries(client, world):  # noqa: F811
    name = "admin:workshops_attendance_changelist"
    seen = {}
    for role in ("regional", "country_x", "country_y", "regional", "country_x"):
        client.force_login(world["users"][role])
        seen.setdefault(role, []).append(page(client, name)[:2])
    assert seen["regional"] == [(2, ["AR", "BR"])] * 2
    assert seen["country_x"] == [(1, ["AR"])] * 2
    assert seen["country_y"] == [(1, ["BR"])]
    # A filter and a search are counted on their own too.
    client.force_login(world["regional"])
    assert page(client, name, "?country=BR")[0] == 1
    assert page(client, name, "?q=nobody")[0] == 0
    assert page(client, name)[0] == 2


def test_attendance_recorded_in_bulk_is_counted_on_the_next_page(client, world):  # noqa: F811
    client.force_login(world["regional"])
    name = "admin:workshops_attendance_changelist"
    assert page(client, name)[0] == 2
    newcomer = f.make_official(world["a"]["localgovernment"])
    Attendance.objects.filter(pk=world["a"]["attendance"].pk).delete()
    assert page(client, name)[0] == 1
    record_attendance(
        session=world["session"],
        statuses={newcomer.pk: AttendanceStatus.PRESENT, world["a"]["official"].pk: AttendanceStatus.PRESENT},
        by=world["regional"],
    )  # bulk_create: announced
    assert page(client, name)[0] == 3


def test_a_government_moved_or_deleted_is_seen_on_the_next_page(client, world):  # noqa: F811
    client.force_login(world["regional"])
    name = "admin:authorities_official_changelist"
    count, countries, *_ = page(client, name)
    assert countries == ["AR", "BR"]
    government = world["b"]["localgovernment"]
    government.country = "CL"
    government.save()
    assert page(client, name)[1] == ["AR", "CL"]
    newcomer = f.make_official(world["a"]["localgovernment"])
    assert page(client, name)[0] == count + 1
    newcomer.delete()
    assert page(client, name)[0] == count


def test_a_read_through_a_table_not_followed_is_not_kept(world):  # noqa: F811
    reads = []
    entries = AuditEntry.objects.all()
    for _ in range(2):
        kept_read(entries, lambda: reads.append(1) or entries.count())
    assert len(reads) == 2
    governments = LocalGovernment.objects.all()
    for _ in range(2):
        kept_read(governments, lambda: reads.append(1) or governments.count())
    assert len(reads) == 3  # the followed table: read once
    # A subquery on a table that is not followed counts: not kept.
    recognized = LocalGovernment.objects.filter(pk__in=world["a"]["recognition"].__class__.objects.values("official"))
    for _ in range(2):
        kept_read(recognized, lambda: reads.append(1) or recognized.count())
    assert len(reads) == 5


def test_a_stale_count_never_shows_more_than_a_page(client, world):  # noqa: F811
    """Rows written without announcing them (raw SQL, say) leave the count and the kept pages stale: a page whose
    ids are read afresh under the stale count still shows at most one page of rows, not every row the count did
    not expect; once the writer announces them, every page is read again."""
    client.force_login(world["regional"])
    name = "admin:authorities_official_changelist"
    assert page(client, name)[0] == 2
    government = world["a"]["localgovernment"]
    Official.objects.bulk_create(
        Official(first_name=f"N{i}", last_name="Ruiz", email=f"n{i}@example.org", local_government=government)
        for i in range(60)
    )  # not announced
    response = client.get(reverse(name))  # the same page: as it was kept
    assert (response.context["cl"].result_count, len(response.context["cl"].result_list)) == (2, 2)
    response = client.get(reverse(name) + "?o=-1")  # another order: its ids read afresh, under the stale count
    assert (response.context["cl"].result_count, len(response.context["cl"].result_list)) == (2, 50)
    written_in_bulk(Official)
    response = client.get(reverse(name))
    assert (response.context["cl"].result_count, len(response.context["cl"].result_list)) == (62, 50)


def test_each_page_of_a_list_keeps_its_own_ids(client, world):  # noqa: F811
    client.force_login(world["regional"])
    government = world["a"]["localgovernment"]
    for i in range(60):
        Official.objects.create(
            first_name=f"N{i:02}", last_name="Ruiz", email=f"n{i}@x.org", local_government=government
        )
    url = reverse("admin:authorities_official_changelist")
    pages = {}
    for _ in range(2):
        for query in ("", "?p=2", "?o=-1", "?o=-1&p=2"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url + query)
            ids = [row.pk for row in response.context["cl"].result_list]
            assert pages.setdefault(query, ids) == ids  # the second time: the same rows, kept
    assert len(pages[""]) == 50 and len(pages["?p=2"]) == 12 and not set(pages[""]) & set(pages["?p=2"])
    assert pages["?o=-1"] != pages[""] and set(pages["?o=-1"] + pages["?o=-1&p=2"]) == set(pages[""] + pages["?p=2"])
    assert not any('SELECT "authorities_official"."id" AS "pk"' in q["sql"] for q in queries.captured_queries)
    Official.objects.filter(first_name="N00").delete()  # announced by the signal
    assert len(client.get(url + "?p=2").context["cl"].result_list) == 11


def attendance_rows(client):
    """The attendance list's rows as HTML, and whether the page read a session."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:workshops_attendance_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    return rows, any('FROM "workshops_session"' in q["sql"] for q in queries.captured_queries)


def test_the_attendance_list_keeps_its_pages_sessions_and_shows_the_same_rows(client, world, monkeypatch):  # noqa: F811
    from workshops.admin import AttendanceAdmin

    client.force_login(world["regional"])
    first, read = attendance_rows(client)
    again, read_again = attendance_rows(client)
    assert read and not read_again and first == again
    assert first.count("<tr") == 2 and str(world["session"]) in first
    # The same rows as when every row joins its session and event.
    monkeypatch.setattr(AttendanceAdmin, "list_kept_related", ())
    monkeypatch.setattr(AttendanceAdmin, "list_select_related", ["official", "session__event", "confirmed_by"])
    joined, _read = attendance_rows(client)
    assert joined == first


def test_a_session_or_event_renamed_is_seen_on_the_next_page(client, world):  # noqa: F811
    client.force_login(world["regional"])
    attendance_rows(client)
    session, event = world["session"], world["event"]
    session.title = "Sesión renombrada"
    session.save()
    assert "Sesión renombrada" in attendance_rows(client)[0]
    event.title = "Evento renombrado"
    event.save()
    rows, read = attendance_rows(client)
    assert read and "Evento renombrado" in rows and "Sesión renombrada" in rows


def attendance_page(client, query="", language="es"):
    """The attendance list's rendered rows, whether its rows were read, and the number of rows it counts for the
    actions' selection."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("admin:workshops_attendance_changelist") + query, headers={"accept-language": language}
        )
    assert response.status_code == 200
    html = response.content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    read = any('"workshops_attendance"."status"' in q["sql"] for q in queries.captured_queries)
    return rows, read, len(response.context["cl"].result_list)


def test_a_page_rendered_once_is_served_again_until_a_table_it_shows_changes(client, world):  # noqa: F811
    client.force_login(world["regional"])
    first, read, shown = attendance_page(client)
    again, read_again, shown_again = attendance_page(client)
    assert read and not read_again and first == again and shown == shown_again == 2
    official, attendance = world["a"]["official"], world["a"]["attendance"]
    # Each table the rows show, changed through the ORM or announced after a bulk write, is seen on the next page.
    official.last_name = "Renombrada"
    official.save()
    rows, read, _shown = attendance_page(client)
    assert read and "Renombrada" in rows
    Attendance.objects.filter(pk=attendance.pk).update(confirmed_by=world["regional"], source="zoom")
    assert attendance_page(client)[0] == rows  # not announced: the page as kept
    written_in_bulk(Attendance)
    rows, read, _shown = attendance_page(client)
    assert read and world["regional"].username in rows and "Zoom" in rows
    world["regional"].username = "coordinacion-regional"
    world["regional"].save()
    rows, read, _shown = attendance_page(client)
    assert read and "coordinacion-regional" in rows
    Attendance.objects.filter(pk=attendance.pk).delete()
    rows, read, shown = attendance_page(client)
    assert read and shown == 1 and "Renombrada" not in rows


def test_each_reader_language_and_filter_has_its_own_rendered_rows(client, world):  # noqa: F811
    client.force_login(world["regional"])
    regional = attendance_page(client)[0]
    assert "Gobierno A" in regional or world["b"]["official"].last_name in regional
    client.force_login(world["users"]["country_x"])
    rows, read, shown = attendance_page(client)
    assert read and shown == 1 and world["b"]["official"].full_name not in rows
    assert world["a"]["official"].full_name in rows
    client.force_login(world["regional"])
    spoken = {language: attendance_page(client, language=language)[0] for language in ("es", "pt-br", "en", "es")}
    assert "Seleccione este objeto" in spoken["es"] and spoken["es"] == regional
    assert "Selecione esse objeto" in spoken["pt-br"] and "Select this object" in spoken["en"]
    # Every row's link keeps the list's filters: a filtered page is its own.
    filtered = attendance_page(client, "?status__exact=present")[0]
    assert "_changelist_filters=status__exact%3Dpresent" in filtered
    assert "_changelist_filters" not in attendance_page(client)[0]


def test_a_page_whose_cells_read_the_database_is_not_kept(client, world, monkeypatch):  # noqa: F811
    """A cell that reads a row of its own reads what the page's key does not follow: rendered every time."""
    from workshops.admin import AttendanceAdmin

    def attended_minutes(self, obj):
        return Attendance.objects.filter(pk=obj.pk).values_list("seconds", flat=True)[0] // 60

    monkeypatch.setattr(AttendanceAdmin, "attended_minutes", attended_minutes)
    client.force_login(world["regional"])
    first, read, _shown = attendance_page(client)
    rows, read_again, _shown = attendance_page(client)
    assert read and read_again and rows == first
    Attendance.objects.filter(pk=world["a"]["attendance"].pk).update(seconds=4321 * 60)  # not announced
    assert "4321" in attendance_page(client)[0]


def test_a_rendered_page_depends_on_the_time_zone(client, world):  # noqa: F811
    from django.utils import timezone

    from alp_portal.admin_reads import page_key

    client.force_login(world["regional"])
    cl = client.get(reverse("admin:workshops_attendance_changelist")).context["cl"]
    rows = Attendance.objects.filter(pk__in=[world["a"]["attendance"].pk])
    with timezone.override("America/Sao_Paulo"):
        here = page_key(rows, cl)
    with timezone.override("America/Bogota"):
        there = page_key(rows, cl)
    assert here is not None and there is not None and here != there
    assert page_key(Attendance.objects.none(), cl) is None
