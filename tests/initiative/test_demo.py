"""The demo cohort reproduces the figures of the report, computed from its rows; the synthetic region is
repeatable."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from alp_portal.roles import is_country_staff, is_regional_staff, staff_countries
from authorities.enums import InvitationStatus
from authorities.models import Invitation, LocalGovernment, Official
from authorities.queries import invited_figures
from certificates.eligibility import participation_figures
from initiative.enums import Stage
from initiative.models import Initiative, StageTransition
from workshops.enums import AttendanceStatus, EventKind
from workshops.models import Attendance, Automapeo, Registration

DEMO_SLUG = "alp-sudamerica-2023"
DEMO_PASSWORD = "demo-alp-2023"


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def demo_initiative():
    return Initiative.objects.get(slug=DEMO_SLUG)


def counts():
    return {
        "initiatives": Initiative.objects.count(),
        "governments": LocalGovernment.objects.count(),
        "officials": Official.objects.count(),
        "invitations": Invitation.objects.count(),
        "registrations": Registration.objects.count(),
        "attendance": Attendance.objects.count(),
        "automapeos": Automapeo.objects.count(),
        "users": get_user_model().objects.count(),
    }


@pytest.mark.django_db
def test_demo_invited_figures_match_report():
    load_demo()
    figures = invited_figures(demo_initiative())
    assert (figures.people, figures.governments, figures.countries) == (40, 28, 10)


@pytest.mark.django_db
def test_demo_launch_figures_match_report():
    load_demo()
    figures = participation_figures(demo_initiative())["launch"]
    assert (figures.people, figures.governments, figures.countries) == (38, 26, 9)
    assert figures.sentence("en") == "38 local authorities representing 26 local governments of 9 countries"
    workshop = participation_figures(demo_initiative())["workshop"]
    assert workshop.sentence("es") == "24 autoridades locales en representación de 16 gobiernos locales de 6 países"


@pytest.mark.django_db
def test_demo_workshop_figures_match_report():
    load_demo()
    figures = participation_figures(demo_initiative())["workshop"]
    assert (figures.people, figures.governments, figures.countries) == (24, 16, 6)
    assert figures.sentence("en") == "24 local authorities representing 16 local governments of 6 countries"


@pytest.mark.django_db
def test_demo_rule_figures_match_workshop():
    load_demo()
    figures = participation_figures(demo_initiative())["both"]
    assert (figures.people, figures.governments, figures.countries) == (24, 16, 6)


@pytest.mark.django_db
def test_demo_sentences_in_three_languages():
    load_demo()
    figures = participation_figures(demo_initiative())["launch"]
    assert figures.sentence("es") == "38 autoridades locales en representación de 26 gobiernos locales de 9 países"
    assert figures.sentence("pt-br") == "38 autoridades locais representando 26 governos locais de 9 países"
    assert figures.sentence("en") == "38 local authorities representing 26 local governments of 9 countries"


@pytest.mark.django_db
def test_demo_registrations_exceed_workshop_attendance():
    load_demo()
    initiative = demo_initiative()
    absent = Attendance.objects.filter(
        session__event__initiative=initiative, session__event__kind=EventKind.WORKSHOP, status=AttendanceStatus.ABSENT
    )
    assert Registration.objects.filter(initiative=initiative).count() == 28
    assert absent.values("official").distinct().count() == 4


@pytest.mark.django_db
def test_demo_launch_records_one_absence_and_leaves_one_unrecorded():
    load_demo()
    launch = Attendance.objects.filter(
        session__event__initiative=demo_initiative(), session__event__kind=EventKind.LAUNCH
    )
    assert launch.count() == 39
    assert list(launch.filter(status=AttendanceStatus.ABSENT).values_list("official__email", flat=True)) == [
        "rodrigo.antelo@santacruz.demo.alp"
    ]
    assert not launch.filter(official__email="kevin.ramdass@georgetown.demo.alp").exists()


@pytest.mark.django_db
def test_demo_initiative_is_in_certification_with_its_history():
    load_demo()
    initiative = demo_initiative()
    moves = list(StageTransition.objects.filter(initiative=initiative).order_by("at"))
    assert initiative.stage == Stage.CERTIFICATION
    assert [(m.from_stage, m.to_stage) for m in moves] == [
        (Stage.MAPPING, Stage.LAUNCH),
        (Stage.LAUNCH, Stage.WORKSHOP),
        (Stage.WORKSHOP, Stage.CERTIFICATION),
    ]
    assert [m.at.year for m in moves] == [2023, 2023, 2023]
    assert {m.by.email for m in moves} == {"regional@demo.alp"}
    assert initiative.recognitions.count() == 0


@pytest.mark.django_db
def test_demo_loaded_twice_keeps_counts():
    load_demo()
    before = counts()
    output = load_demo()
    assert "already loaded" in output
    assert counts() == before
    assert before["officials"] == 40
    assert before["governments"] == 28


@pytest.mark.django_db
def test_demo_reset_reloads_same_counts():
    load_demo()
    before = counts()
    output = load_demo("--reset")
    assert "Deleted the demo initiative" in output
    assert counts() == before


@pytest.mark.django_db
def test_demo_reset_after_issuing_recognitions_removes_them_and_their_pdfs(django_capture_on_commit_callbacks):
    # What someone trying the demo does: issue the recognitions, then start again.
    from django.core.files.storage import default_storage

    from certificates.models import IssuanceBatch, Recognition
    from certificates.services import start_issuance

    load_demo()
    before = counts()
    regional = get_user_model().objects.get(email="regional@demo.alp")
    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once outside production
        batch = start_issuance(initiative=demo_initiative(), by=regional)
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (40, 0)  # 24 people and the 16 governments they represent
    pdfs = list(Recognition.objects.values_list("pdf", flat=True))
    assert all(default_storage.exists(name) for name in pdfs)

    with django_capture_on_commit_callbacks(execute=True):
        output = load_demo("--reset")
    assert "Deleted the demo initiative" in output
    assert counts() == before
    assert not Recognition.objects.exists() and not IssuanceBatch.objects.exists()
    assert not any(default_storage.exists(name) for name in pdfs)


@pytest.mark.django_db
def test_demo_reset_that_fails_keeps_the_recognitions_and_their_pdfs(django_capture_on_commit_callbacks, monkeypatch):
    from django.core.files.storage import default_storage

    from certificates.models import Recognition
    from certificates.services import start_issuance
    from initiative.management.commands import load_demo as command

    load_demo()
    regional = get_user_model().objects.get(email="regional@demo.alp")
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(initiative=demo_initiative(), by=regional)
    pdfs = list(Recognition.objects.values_list("pdf", flat=True))

    def broken(self):
        raise CommandError("the demo file is broken")

    monkeypatch.setattr(command.DemoLoader, "load", broken)
    with pytest.raises(CommandError), django_capture_on_commit_callbacks(execute=True):
        load_demo("--reset")
    assert Recognition.objects.count() == 40  # rolled back with the rest
    assert all(default_storage.exists(name) for name in pdfs)  # and the files were not touched


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "regional@demo.alp",
        "oficina.ar@demo.alp",
        "escritorio.br@demo.alp",
        "maria.perez@quilmes.demo.alp",
        "joao.silva@saopaulo.demo.alp",
    ],
)
def test_demo_account_logs_in_with_demo_password(client, email):
    load_demo()
    assert client.login(username=email, password=DEMO_PASSWORD) is True


@pytest.mark.django_db
def test_demo_accounts_have_their_roles():
    load_demo()
    users = {user.username: user for user in get_user_model().objects.all()}
    assert is_regional_staff(users["regional@demo.alp"]) is True
    assert is_country_staff(users["oficina.ar@demo.alp"]) is True
    assert staff_countries(users["oficina.ar@demo.alp"]) == frozenset({"AR"})
    assert staff_countries(users["escritorio.br@demo.alp"]) == frozenset({"BR"})
    for email in ("maria.perez@quilmes.demo.alp", "joao.silva@saopaulo.demo.alp"):
        official = Official.objects.get(email=email)
        assert official.user == users[email]
        assert official.invitations.get().status == InvitationStatus.ACCEPTED
        assert users[email].is_staff is False


def generate(*args):
    out = StringIO()
    call_command("generate_region", "--governments", "50", *args, stdout=out)
    return out.getvalue()


def region_snapshot():
    initiative = Initiative.objects.get(slug="synthetic-region")
    return {
        "governments": LocalGovernment.objects.count(),
        "countries": LocalGovernment.objects.values("country").distinct().count(),
        "officials": sorted(Official.objects.values_list("email", flat=True)),
        "invitations": initiative.invitations.count(),
        "attendance": Attendance.objects.filter(session__event__initiative=initiative).count(),
        "sessions": [event.sessions.count() for event in initiative.events.order_by("kind", "edition")],
    }


@pytest.mark.django_db
def test_generate_region_creates_requested_governments():
    output = generate()
    snapshot = region_snapshot()
    assert "Created the synthetic region" in output
    assert snapshot["governments"] == 50
    assert snapshot["countries"] == 12
    assert snapshot["invitations"] == len(snapshot["officials"])
    assert snapshot["sessions"] == [1, 2, 2]


@pytest.mark.django_db
def test_generate_region_with_reset_is_repeatable():
    generate()
    first = region_snapshot()
    generate("--reset")
    assert region_snapshot() == first


@pytest.mark.django_db
def test_generate_region_without_reset_refuses_to_duplicate():
    generate()
    with pytest.raises(CommandError, match="--reset"):
        generate()
    assert LocalGovernment.objects.count() == 50


@pytest.mark.django_db
def test_generate_region_leaves_demo_untouched():
    load_demo()
    generate()
    generate("--reset")
    figures = participation_figures(demo_initiative())["launch"]
    assert (figures.people, figures.governments, figures.countries) == (38, 26, 9)
    assert LocalGovernment.objects.count() == 78
