"""Every URL of the certificates app against every role: anonymous, an official of government A (Argentina)
and of government B (Brazil), the country offices of Argentina (X) and Brazil (Y), and regional staff."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.credentials import issue_credentials
from certificates.enums import RecognitionKind, RecognitionStatus
from certificates.models import IssuanceBatch, Recognition
from tests import factories as f
from tests.certificates.helpers import cohort, qualify

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]
FAKE_PDF = b"%PDF-1.7 test"


def recognize(initiative, regional, **holder):
    holder.pop("kind")
    return f.make_recognition(
        initiative,
        holder_name=str(holder.get("official") or holder.get("local_government")),
        issued_by=regional,
        **holder,
    )


@pytest.fixture
def world():
    regional = f.make_regional_staff()
    initiative, launch, sessions = cohort()
    w = {"initiative": initiative, "regional": regional}
    for side, country in (("a", "AR"), ("b", "BR")):
        government = f.make_government(country, name=f"Gobierno {side.upper()}")
        official = qualify(f.make_official_user(government), launch, sessions, initiative)
        w[side] = {
            "government": government,
            "official": official,
            "person": recognize(initiative, regional, kind=RecognitionKind.PERSON, official=official),
            "recognition_government": recognize(
                initiative, regional, kind=RecognitionKind.GOVERNMENT, local_government=government
            ),
        }
    w["batch"] = IssuanceBatch.objects.create(initiative=initiative, requested_by=regional, total=0)
    issue_credentials(recognitions=[w["a"]["person"], w["a"]["recognition_government"]])
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"]["official"].user,
        "official_b": w["b"]["official"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": regional,
    }
    return w


def by_role(anonymous, official_a, official_b, country_x, country_y, regional):
    return dict(zip(ROLES, [anonymous, official_a, official_b, country_x, country_y, regional], strict=True))


ADMIN_READ = by_role(302, 302, 302, 200, 200, 200)  # officials are not staff: to the admin login
ADMIN_REGIONAL = by_role(302, 302, 302, 403, 403, 200)
SIDE_A = by_role(302, 200, 404, 200, 404, 200)

# name → (method, url builder, expected by role)
URLS = {
    "verify_form": ("get", lambda w: reverse("certificates:verify_form"), by_role(*[200] * 6)),
    "verify": (
        "get",
        lambda w: reverse("certificates:verify", args=[w["a"]["person"].code]),
        by_role(*[200] * 6),
    ),
    "mine": ("get", lambda w: reverse("certificates:mine"), by_role(302, 200, 200, 200, 200, 200)),
    # Open Badges: public documents, like the verification page (a credential by its unguessable code)
    "did": ("get", lambda w: reverse("certificates:did"), by_role(*[200] * 6)),
    "status_list": (
        "get",
        lambda w: reverse(
            "certificates:status_list", args=[Recognition.objects.get(pk=w["a"]["person"].pk).status_list_id]
        ),
        by_role(*[200] * 6),
    ),
    "status_list_unknown": ("get", lambda w: reverse("certificates:status_list", args=[999]), by_role(*[404] * 6)),
    "credential_a": (
        "get",
        lambda w: reverse("certificates:credential", args=[w["a"]["person"].code]),
        by_role(*[200] * 6),
    ),
    "credential_none_b": (  # issued before credentials existed: none to show
        "get",
        lambda w: reverse("certificates:credential", args=[w["b"]["person"].code]),
        by_role(*[404] * 6),
    ),
    "badge_a": ("get", lambda w: reverse("certificates:badge", args=[w["a"]["person"].code]), by_role(*[200] * 6)),
    "badge_unknown": ("get", lambda w: reverse("certificates:badge", args=["2222-2222-2222"]), by_role(*[404] * 6)),
    "pdf_person_a": ("get", lambda w: reverse("certificates:pdf", args=[w["a"]["person"].code]), SIDE_A),
    "pdf_government_a": (
        "get",
        lambda w: reverse("certificates:pdf", args=[w["a"]["recognition_government"].code]),
        SIDE_A,
    ),
    "eligibility_index": (
        "get",
        lambda w: reverse("admin:certificates_recognition_eligibility_index"),
        ADMIN_READ,
    ),
    "eligibility": (
        "get",
        lambda w: reverse("admin:certificates_recognition_eligibility", args=[w["initiative"].pk]),
        ADMIN_READ,
    ),
    "override_a": (
        "get",
        lambda w: reverse("admin:certificates_recognition_override", args=[w["initiative"].pk, w["a"]["official"].pk]),
        by_role(302, 302, 302, 403, 404, 200),
    ),
    "override_a_post": (
        "post",
        lambda w: reverse("admin:certificates_recognition_override", args=[w["initiative"].pk, w["a"]["official"].pk]),
        by_role(302, 302, 302, 403, 404, 302),
    ),
    "issue": (
        "post",
        lambda w: reverse("admin:certificates_recognition_issue", args=[w["initiative"].pk]),
        by_role(302, 302, 302, 403, 403, 302),
    ),
    "copy_a": (
        "get",
        lambda w: reverse("admin:certificates_recognition_copy", args=[w["a"]["person"].pk, "en"]),
        by_role(302, 302, 302, 200, 404, 200),
    ),
    "recognition_change_a": (
        "get",
        lambda w: reverse("admin:certificates_recognition_change", args=[w["a"]["person"].pk]),
        by_role(302, 302, 302, 200, 404, 200),
    ),
    "batch_changelist": (
        "get",
        lambda w: reverse("admin:certificates_issuancebatch_changelist"),
        ADMIN_REGIONAL,
    ),
    "batch_change": (
        "get",
        lambda w: reverse("admin:certificates_issuancebatch_change", args=[w["batch"].pk]),
        ADMIN_REGIONAL,
    ),
    "batch_resume": (
        "post",
        lambda w: reverse("admin:certificates_issuancebatch_resume", args=[w["batch"].pk]),
        by_role(302, 302, 302, 403, 403, 302),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_certificates_url_by_role(client, world, name, role):
    method, build, expected = URLS[name]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    data = {"official": world["a"]["official"].pk, "eligible": "1", "reason": "Asistió", "scope": "all"}
    response = getattr(client, method)(build(world), data if method == "post" else None)
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ["official_a", "country_x", "regional"])
def test_certificates_pdf_download_is_the_stored_file(client, world, role):
    client.force_login(world["users"][role])
    recognition = world["a"]["person"]
    response = client.get(reverse("certificates:pdf", args=[recognition.code]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{recognition.code}.pdf"'
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_certificates_pdf_of_colleague_is_not_shown_but_government_is(client, world):
    colleague = f.make_official_user(world["a"]["government"])
    client.force_login(colleague.user)
    assert client.get(reverse("certificates:pdf", args=[world["a"]["person"].code])).status_code == 404
    government_code = world["a"]["recognition_government"].code
    assert client.get(reverse("certificates:pdf", args=[government_code])).status_code == 200


def test_certificates_pdf_of_revoked_recognition_is_gone_for_official(client, world):
    Recognition.objects.filter(pk=world["a"]["person"].pk).update(
        status=RecognitionStatus.REVOKED, revoked_at=timezone.now(), revocation_reason="Error"
    )
    client.force_login(world["users"]["official_a"])
    assert client.get(reverse("certificates:pdf", args=[world["a"]["person"].code])).status_code == 404


def test_certificates_mine_lists_own_and_government_recognitions(client, world):
    client.force_login(world["users"]["official_a"])
    response = client.get(reverse("certificates:mine"))
    codes = [r.code for r in response.context["recognitions"]]
    assert sorted(codes) == sorted([world["a"]["person"].code, world["a"]["recognition_government"].code])


def test_certificates_revoke_action_unavailable_to_country_staff(client, world):
    client.force_login(world["users"]["country_x"])
    recognition = world["a"]["person"]
    client.post(
        reverse("admin:certificates_recognition_changelist"),
        {"action": "revoke_selected", "_selected_action": [recognition.pk], "apply": "1", "reason": "No"},
    )
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.ISSUED


def test_certificates_revoke_action_asks_reason_then_revokes(client, world, django_capture_on_commit_callbacks):
    from django.contrib.admin.models import LogEntry
    from django.core import mail

    client.force_login(world["regional"])
    recognition = world["a"]["person"]
    url = reverse("admin:certificates_recognition_changelist")
    response = client.post(url, {"action": "revoke_selected", "_selected_action": [recognition.pk]})
    assert response.status_code == 200
    assert list(response.context["recognitions"]) == [recognition]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "revoke_selected",
                "_selected_action": [recognition.pk],
                "apply": "1",
                "reason": "Duplicado",
            },
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert (recognition.status, recognition.revocation_reason, recognition.revoked_by) == (
        RecognitionStatus.REVOKED,
        "Duplicado",
        world["regional"],
    )
    from django.utils import translation

    from alp_portal.audit import describe

    with translation.override("es"):
        assert describe(LogEntry.objects.get(object_id=str(recognition.pk))) == "Revocado: Duplicado"
    assert [m.to for m in mail.outbox] == [[world["a"]["official"].email]]
    assert Recognition.objects.filter(pk=recognition.pk).exists()


def test_certificates_revoke_without_reason_changes_nothing(client, world):
    client.force_login(world["regional"])
    recognition = world["a"]["person"]
    response = client.post(
        reverse("admin:certificates_recognition_changelist"),
        {"action": "revoke_selected", "_selected_action": [recognition.pk], "apply": "1", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.ISSUED
