"""The eligibility page, the progress page of an issuance and the officials' list: content, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.enums import BatchStatus, FailureKind, ItemStatus, RecognitionKind
from certificates.models import IssuanceBatch, IssuanceItem, Recognition
from certificates.services import process_issuance, set_eligibility_override
from tests import factories as f
from tests.certificates.helpers import cohort, qualify

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    initiative, launch, sessions = cohort()
    return {
        "initiative": initiative,
        "launch": launch,
        "sessions": sessions,
        "regional": f.make_regional_staff(),
    }


def add_people(s, count, country="AR"):
    government = f.make_government(country)
    people = []
    for i in range(count):
        official = f.make_official(government, first_name=f"Persona{i}")
        if i % 2:
            qualify(official, s["launch"], s["sessions"], s["initiative"])
        else:
            f.invite(official, s["initiative"])
            f.attend(official, s["sessions"][0])
        people.append(official)
    return people


def eligibility_url(s):
    return reverse("admin:certificates_recognition_eligibility", args=[s["initiative"].pk])


def queries_for(client, url):
    client.get(url)  # the reader's access facts are kept from their first page on (alp_portal/access.py)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["regional", "country"])
def test_eligibility_page_query_count_is_the_same_for_few_and_many(client, setting, role):
    user = setting["regional"] if role == "regional" else f.make_country_staff("AR")
    client.force_login(user)
    add_people(setting, 2)
    few = queries_for(client, eligibility_url(setting))
    add_people(setting, 40)
    people = add_people(setting, 3)
    set_eligibility_override(
        initiative=setting["initiative"],
        official=people[0],
        eligible=True,
        reason="Por teléfono",
        by=setting["regional"],
    )
    many = queries_for(client, eligibility_url(setting))
    assert few == many


def test_eligibility_page_shows_reasons_and_overrides(client, setting):
    people = add_people(setting, 2)
    set_eligibility_override(
        initiative=setting["initiative"],
        official=people[0],
        eligible=True,
        reason="Asistió por teléfono",
        by=setting["regional"],
    )
    client.force_login(setting["regional"])
    html = client.get(eligibility_url(setting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Eligible by override" in html
    assert "Asistió por teléfono" in html
    assert "By the rule: no attendance at the launch; 1 of 2 workshop sessions" in html
    assert "Issue to everyone eligible" in html
    assert f'name="officials" value="{people[0].pk}"' in html


def test_eligibility_page_is_read_only_for_country_staff(client, setting):
    add_people(setting, 2)
    client.force_login(f.make_country_staff("AR"))
    html = client.get(eligibility_url(setting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not eligible: no attendance at the launch; 1 of 2 workshop sessions" in html
    assert "Issue to everyone eligible" not in html
    assert 'name="officials"' not in html
    assert "/override/" not in html


def test_eligibility_page_of_other_country_staff_lists_nobody(client, setting):
    add_people(setting, 2)
    client.force_login(f.make_country_staff("BR"))
    response = client.get(eligibility_url(setting))
    assert response.context["rows"] == []


def test_override_form_records_decision(client, setting):
    person = add_people(setting, 1)[0]
    client.force_login(setting["regional"])
    url = reverse("admin:certificates_recognition_override", args=[setting["initiative"].pk, person.pk])
    response = client.post(url, {"official": person.pk, "eligible": "1", "reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Say why: the reason is recorded and shown with the decision."]
    }
    response = client.post(url, {"official": person.pk, "eligible": "1", "reason": "Conexión telefónica"})
    assert response.status_code == 302
    override = person.eligibility_overrides.get()
    assert (override.eligible, override.reason, override.decided_by) == (
        True,
        "Conexión telefónica",
        setting["regional"],
    )


def test_issue_from_admin_runs_the_task_and_shows_progress(client, setting, django_capture_on_commit_callbacks):
    people = add_people(setting, 4)  # two eligible people of one government
    client.force_login(setting["regional"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:certificates_recognition_issue", args=[setting["initiative"].pk]),
            {"scope": "selected", "officials": [people[1].pk], "language": ""},
        )
    batch = IssuanceBatch.objects.get()
    assert response["Location"] == reverse("admin:certificates_issuancebatch_change", args=[batch.pk])
    assert (batch.status, batch.total, batch.done) == (BatchStatus.FINISHED, 2, 2)
    assert batch.task_id != ""
    assert sorted(Recognition.objects.values_list("kind", flat=True)) == [
        RecognitionKind.GOVERNMENT,
        RecognitionKind.PERSON,
    ]
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 issued, 0 already issued, 0 failed, of 2" in page
    assert 'http-equiv="refresh"' not in page


def test_batch_page_refreshes_while_running_and_lists_failures(client, setting):
    people = add_people(setting, 2)
    batch = IssuanceBatch.objects.create(
        initiative=setting["initiative"],
        requested_by=setting["regional"],
        total=2,
        status=BatchStatus.RUNNING,
    )
    IssuanceItem.objects.create(
        batch=batch,
        kind=RecognitionKind.PERSON,
        official=people[0],
        status=ItemStatus.FAILED,
        failure=FailureKind.STORE,
        error="[Errno 28] No space left on device",
    )
    IssuanceItem.objects.create(batch=batch, kind=RecognitionKind.PERSON, official=people[1])
    client.force_login(setting["regional"])
    url = reverse("admin:certificates_issuancebatch_change", args=[batch.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "The PDF could not be stored: [Errno 28] No space left on device" in page
    assert "Resume" in page
    # The reason is stored as a code: each reader has it in their own language.
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "Não foi possível armazenar o PDF: [Errno 28] No space left on device" in page


def test_mine_query_count_is_the_same_for_few_and_many(client, setting):
    government = f.make_government("AR")
    official = f.make_official_user(government)
    client.force_login(official.user)
    f.make_recognition(
        setting["initiative"],
        official=official,
        issued_at=setting["initiative"].created,
        issued_by=setting["regional"],
        pdf="recognitions/x.pdf",
    )
    few = queries_for(client, reverse("certificates:mine"))
    for _ in range(5):
        other = f.make_initiative()
        f.make_recognition(
            other,
            local_government=government,
            issued_at=other.created,
            issued_by=setting["regional"],
            pdf="recognitions/y.pdf",
        )
    many = queries_for(client, reverse("certificates:mine"))
    assert few == many


def test_process_issuance_of_finished_batch_changes_nothing(setting, django_capture_on_commit_callbacks):
    batch = IssuanceBatch.objects.create(initiative=setting["initiative"], requested_by=setting["regional"])
    batch = process_issuance(batch_id=batch.pk)
    assert (batch.status, batch.done, Recognition.objects.count()) == (BatchStatus.FINISHED, 0, 0)


def test_batch_is_named_in_the_portals_time(setting):
    # Stored in UTC, shown in the portal's time zone (Buenos Aires, UTC-3), as every date of the admin.
    from datetime import UTC, datetime

    batch = IssuanceBatch.objects.create(initiative=setting["initiative"], requested_by=setting["regional"], total=0)
    IssuanceBatch.objects.filter(pk=batch.pk).update(created=datetime(2023, 12, 5, 2, 30, tzinfo=UTC))
    batch.refresh_from_db()
    assert str(batch) == f"{setting['initiative']} · 2023-12-04 23:30"


def test_recognition_page_offers_no_save_and_no_add(client, setting):
    # A recognition is a record: issuance makes it, revocation (an action) is its only change.
    government = f.make_government("AR")
    official = f.make_official(government)
    recognition = f.make_recognition(setting["initiative"], official=official, issued_by=setting["regional"])
    client.force_login(setting["regional"])
    page = client.get(reverse("admin:certificates_recognition_change", args=[recognition.pk])).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page and 'name="_addanother"' not in page
    assert reverse("admin:certificates_recognition_copy", args=[recognition.pk, "en"]) in page
    changelist = client.get(reverse("admin:certificates_recognition_changelist")).content.decode()
    assert reverse("admin:certificates_recognition_add") not in changelist
    client.post(reverse("admin:certificates_recognition_change", args=[recognition.pk]), {"holder_name": "Otro"})
    recognition.refresh_from_db()
    assert recognition.holder_name == official.full_name
