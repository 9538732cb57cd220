"""Moving on against failing guards: only regional staff, only with a reason, recorded in the stage log."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiative.enums import Stage
from initiative.models import Initiative, StageTransition
from initiative.stages import StageError, advance_stage, missing_for, stage_overview
from tests.factories import (
    attend,
    make_country_staff,
    make_event,
    make_initiative,
    make_official,
    make_regional_staff,
    make_session,
)
from workshops.enums import EventKind

from .test_stages import FUTURE, HOW_TO_OVERRIDE, NO_INVITATION, NO_LAUNCH, NO_LAUNCH_ATTENDANCE, ONLY_REGIONAL

pytestmark = pytest.mark.django_db

LOST_REPORT = "The launch was held but its attendance report is lost; the workshop cannot wait."


@pytest.fixture(autouse=True)
def _english_in_buenos_aires():
    with translation.override("en"), timezone.override(ZoneInfo("America/Argentina/Buenos_Aires")):
        yield


@pytest.fixture
def staff():
    return make_regional_staff()


def launch_held_without_report(**fields):
    """An initiative in the launch stage whose launch is over but has no attendance, with a workshop ready."""
    initiative = make_initiative(name="ALP Andes", stage=Stage.LAUNCH, **fields)
    make_session(make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"))  # thirty days ago
    make_session(make_event(initiative, EventKind.WORKSHOP, edition=1), starts_at=FUTURE)
    return initiative


def unchanged(initiative, stage):
    assert Initiative.objects.get(pk=initiative.pk).stage == stage
    assert StageTransition.objects.filter(initiative=initiative).count() == 0


# the service


def test_advance_with_reason_moves_on_and_records_the_override(staff):
    initiative = launch_held_without_report()
    assert missing_for(initiative, Stage.WORKSHOP) == [NO_LAUNCH_ATTENDANCE]

    transition = advance_stage(
        initiative=initiative,
        to=Stage.WORKSHOP,
        by=staff,
        note=" Edition 1 starts soon. ",
        override_reason=f"  {LOST_REPORT}\n",
    )

    assert Initiative.objects.get(pk=initiative.pk).stage == Stage.WORKSHOP
    assert list(
        StageTransition.objects.values_list(
            "pk", "from_stage", "to_stage", "by", "note", "overridden", "override_reason"
        )
    ) == [
        (
            transition.pk,
            Stage.LAUNCH,
            Stage.WORKSHOP,
            staff.pk,
            "Edition 1 starts soon.",
            [NO_LAUNCH_ATTENDANCE],
            LOST_REPORT,
        )
    ]
    assert transition.is_override is True


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_advance_without_reason_refused_as_overridable(staff, reason):
    initiative = launch_held_without_report()

    with pytest.raises(StageError) as error:
        advance_stage(initiative=initiative, to=Stage.WORKSHOP, by=staff, note="Let's go.", override_reason=reason)

    assert (error.value.messages, error.value.overridable) == ([NO_LAUNCH_ATTENDANCE], True)
    unchanged(initiative, Stage.LAUNCH)


def test_advance_with_reason_records_no_override_when_nothing_is_missing(staff):
    initiative = launch_held_without_report()
    attend(make_official(), initiative.events.get(kind=EventKind.LAUNCH).sessions.get())

    transition = advance_stage(initiative=initiative, to=Stage.WORKSHOP, by=staff, override_reason=LOST_REPORT)

    assert (transition.overridden, transition.override_reason, transition.is_override) == ([], "", False)
    assert StageTransition.objects.get().overridden == []


def test_override_refused_to_country_office():
    initiative = launch_held_without_report()

    with pytest.raises(StageError) as error:
        advance_stage(
            initiative=initiative, to=Stage.WORKSHOP, by=make_country_staff("AR"), override_reason=LOST_REPORT
        )

    assert (error.value.messages, error.value.overridable) == ([ONLY_REGIONAL], False)
    unchanged(initiative, Stage.LAUNCH)


def test_override_cannot_skip_a_stage(staff):
    initiative = launch_held_without_report()

    with pytest.raises(StageError) as error:
        advance_stage(initiative=initiative, to=Stage.CERTIFICATION, by=staff, override_reason=LOST_REPORT)

    assert error.value.messages == ["“ALP Andes” is in the stage “Launch”: it can only move to “Workshop”."]
    assert error.value.overridable is False
    unchanged(initiative, Stage.LAUNCH)


def test_stage_overview_shows_each_stage_with_the_transition_that_began_it(staff):
    initiative = make_initiative(name="ALP Andes")
    first = advance_stage(initiative=initiative, to=Stage.LAUNCH, by=staff, override_reason="Invitations by post.")

    rows = stage_overview(Initiative.objects.get(pk=initiative.pk))

    assert [(row["stage"], row["state"], row["transition"]) for row in rows] == [
        (Stage.MAPPING, "done", None),
        (Stage.LAUNCH, "current", first),
        (Stage.WORKSHOP, "next", None),
        (Stage.CERTIFICATION, "later", None),
        (Stage.DISSEMINATION, "later", None),
    ]
    assert rows[1]["transition"].overridden == [NO_LAUNCH, NO_INVITATION]


# the admin


def change_url(initiative):
    return reverse("admin:initiative_initiative_change", args=[initiative.pk])


def advance_url(initiative):
    return reverse("admin:initiative_initiative_advance", args=[initiative.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_advance_with_reason_moves_on_and_shows_the_override(staff_client, staff):
    initiative = launch_held_without_report()

    response = staff_client.post(
        advance_url(initiative),
        {"to": Stage.WORKSHOP, "note": "", "override_reason": LOST_REPORT},
        follow=True,
    )

    assert response.redirect_chain == [(change_url(initiative), 302)]
    assert messages_of(response) == [
        "“ALP Andes” moved to the stage “Workshop” although something was missing: the stage log records what, "
        "with your reason."
    ]
    assert list(StageTransition.objects.values_list("by", "overridden", "override_reason")) == [
        (staff.pk, [NO_LAUNCH_ATTENDANCE], LOST_REPORT)
    ]
    page = response.content.decode()
    assert page.count(f"<li>{NO_LAUNCH_ATTENDANCE}</li>") == 2  # the stages panel and the stage log inline
    assert page.count(f"Reason: {LOST_REPORT}") == 2
    assert "Moved on although this was missing:" in page

    log = staff_client.get(reverse("admin:initiative_stagetransition_changelist") + "?override=yes")
    assert list(log.context["cl"].result_list) == list(StageTransition.objects.all())
    assert f"<li>{NO_LAUNCH_ATTENDANCE}</li>" in log.content.decode()
    assert f"Reason: {LOST_REPORT}" in log.content.decode()
    plain = staff_client.get(reverse("admin:initiative_stagetransition_changelist") + "?override=no")
    assert list(plain.context["cl"].result_list) == []
    detail = staff_client.get(
        reverse("admin:initiative_stagetransition_change", args=[StageTransition.objects.get().pk])
    )
    assert f"Reason: {LOST_REPORT}" in detail.content.decode()


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_admin_advance_without_reason_refused_with_what_to_do(staff_client, reason):
    initiative = launch_held_without_report()
    data = {"to": Stage.WORKSHOP, "note": "The report is lost."}
    if reason is not None:
        data["override_reason"] = reason

    response = staff_client.post(advance_url(initiative), data, follow=True)

    assert response.redirect_chain == [(change_url(initiative), 302)]
    assert messages_of(response) == [NO_LAUNCH_ATTENDANCE, HOW_TO_OVERRIDE]
    assert (response.context["advance_note"], response.context["override_reason"]) == (
        "The report is lost.",
        reason or "",
    )  # typed text comes back once
    assert staff_client.get(change_url(initiative)).context["advance_note"] == ""
    unchanged(initiative, Stage.LAUNCH)


def test_admin_advance_with_reason_forbidden_for_country_office(client):
    initiative = launch_held_without_report()
    client.force_login(make_country_staff("AR"))

    response = client.post(advance_url(initiative), {"to": Stage.WORKSHOP, "override_reason": LOST_REPORT})

    assert response.status_code == 403
    unchanged(initiative, Stage.LAUNCH)


def test_admin_change_page_offers_the_reason_only_when_something_is_missing(staff_client):
    initiative = launch_held_without_report()

    missing = staff_client.get(change_url(initiative))

    assert missing.context["next_missing"] == [NO_LAUNCH_ATTENDANCE]
    assert 'name="override_reason"' in missing.content.decode()
    assert "Why move on although something is still missing?" in missing.content.decode()

    attend(make_official(), initiative.events.get(kind=EventKind.LAUNCH).sessions.get())
    ready = staff_client.get(change_url(initiative))

    assert ready.context["next_missing"] == []
    assert 'name="override_reason"' not in ready.content.decode()
    assert 'name="note"' in ready.content.decode()


def test_admin_change_page_offers_no_move_to_country_office(client):
    initiative = launch_held_without_report()
    client.force_login(make_country_staff("AR"))

    response = client.get(change_url(initiative))

    assert response.status_code == 200
    assert 'name="override_reason"' not in response.content.decode()
    assert 'id="advance-form"' not in response.content.decode()


def test_admin_initiative_page_query_count_same_with_overrides(staff_client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    initiative = make_initiative()
    for to in (Stage.LAUNCH, Stage.WORKSHOP, Stage.CERTIFICATION):
        advance_stage(initiative=initiative, to=to, by=make_regional_staff(), override_reason=f"Reason {to}.")
    bare = make_initiative(stage=Stage.CERTIFICATION)  # the same guards to check, no stage log
    staff_client.get(change_url(bare))
    with CaptureQueriesContext(connection) as without_log:
        staff_client.get(change_url(bare))

    with django_assert_num_queries(len(without_log.captured_queries)):
        response = staff_client.get(change_url(initiative))

    assert response.content.decode().count("Reason: Reason ") == 6  # three overrides, panel and inline
