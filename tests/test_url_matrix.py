"""Every URL in the matrix (issue 12, item 8): the resolver is walked and every named route, portal, public,
API, account or admin, is requested by every role (anonymous, an official of Argentina and one of Brazil, the
country offices of Argentina and Brazil, regional staff). The specific matrices (test_portal_permissions,
test_admin_scoping, workshops/test_portal_permissions, certificates/test_permissions, ...) say what each role
gets on the pages they know; this one is the net under them, built from the resolver itself so that no URL
can be added without being crossed with every role:

- nothing answers a server error;
- no admin page is shown to anonymous visitors or officials;
- the Brazilian country office never sees an Argentine object's admin pages, and the Brazilian official
  never sees the Argentine official's own pages (their ALMI contribution, calendar, recognition PDF).

URL_ARGUMENTS is the one registry of how to name an object for each route that takes arguments; a route it
does not know fails test_every_url_is_in_the_matrix, which says what to add."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from alp_portal.audit import record
from authorities.services import record_export
from certificates.models import IssuanceBatch, StatusList
from certificates.tasks import issue_chunks
from initiative.models import Stakeholder
from tests.test_admin_scoping import ROLES, world  # noqa: F401 (fixture)
from workshops.models import AttendanceImport, EventInvitation

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ADMIN_MODEL_VIEW = re.compile(
    r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<view>changelist|add|change|history|delete)$"
)


def routes():
    """{name: route} of every named URL the project serves."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern

    walk(get_resolver().url_patterns, None)
    return found


ROUTES = routes()


def side_object(w, model_name):
    """An object of the model, of Argentina (side a) where the world has one per side."""
    return w["a"].get(model_name) or w.get(model_name)


def extra_objects(w):
    """Rows of the models the admin matrix's world has none of."""
    regional, initiative = w["regional"], w["initiative"]
    official = w["a"]["official"]
    EmailAddress.objects.create(user=official.user, email=official.user.email, verified=True, primary=True)
    record(event="stage", by=regional, obj=initiative, **{"from": "mapping", "to": "launch"})
    record_export(user=regional, kind="officials", rows=1, file_format="CSV")
    Stakeholder.objects.create(initiative=initiative, name="Ministerio")
    IssuanceBatch.objects.create(initiative=initiative, requested_by=regional, total=0)
    EventInvitation.objects.create(
        event=w["event"], official=official, email=official.email, language="es", sent_at=timezone.now()
    )
    AttendanceImport.objects.create(
        session=w["session"], file_name="report.csv", digest="0" * 64, tool="zoom", rows=[], uploaded_by=regional
    )
    StatusList.objects.get_or_create(pk=1)
    with override_settings(TASKS=DATABASE_TASKS):  # a task queued in the database: the admin's task list
        issue_chunks.enqueue(0)


# How to name an object for each route with arguments (other than the admin's standard views of a model).
URL_ARGUMENTS = {
    "account_confirm_email": lambda w: {"key": "not-a-key"},
    "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "not-a-key"},
    "mfa_remove_webauthn": lambda w: {"pk": 1},
    "mfa_edit_webauthn": lambda w: {"pk": 1},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(w["a"]["official"]).pk,
        "object_id": w["a"]["official"].pk,
    },
    "admin:app_list": lambda w: {"app_label": "authorities"},
    "admin:auth_user_password_change": lambda w: {"id": w["a"]["official"].user.pk},
    "admin:initiative_initiative_advance": lambda w: {"object_id": w["initiative"].pk},
    "admin:authorities_official_import_template": lambda w: {"file_format": "xlsx"},
    "admin:authorities_localgovernment_import_template": lambda w: {"file_format": "csv"},
    "admin:authorities_invitation_import_template": lambda w: {"file_format": "xlsx"},
    "admin:authorities_invitation_sending": lambda w: {"initiative_id": w["initiative"].pk},
    "admin:initiative_initiative_new_cohort": lambda w: {"object_id": w["initiative"].pk},
    "admin:workshops_session_roster": lambda w: {"object_id": w["session"].pk},
    "admin:workshops_session_import": lambda w: {"object_id": w["session"].pk},
    "admin:workshops_session_import_preview": lambda w: {
        "object_id": w["session"].pk,
        "import_id": AttendanceImport.objects.get().pk,
    },
    "admin:certificates_recognition_eligibility": lambda w: {"initiative_id": w["initiative"].pk},
    "admin:certificates_recognition_override": lambda w: {
        "initiative_id": w["initiative"].pk,
        "official_id": w["a"]["official"].pk,
    },
    "admin:certificates_recognition_issue": lambda w: {"initiative_id": w["initiative"].pk},
    "admin:certificates_recognition_copy": lambda w: {"object_id": w["a"]["recognition"].pk, "language": "en"},
    "admin:certificates_issuancebatch_resume": lambda w: {"object_id": IssuanceBatch.objects.get().pk},
    "api-v1:get_initiative": lambda w: {"slug": w["initiative"].slug},
    "api-v1:get_recognized": lambda w: {"slug": w["initiative"].slug},
    "api-v1:get_automapeo": lambda w: {"slug": w["initiative"].slug},
    "api-v1:get_almi": lambda w: {"slug": w["initiative"].slug},
    "api-v1:get_knowledge": lambda w: {"slug": w["initiative"].slug},
    "api-v1:verify": lambda w: {"code": w["a"]["recognition"].code},
    "invitation_accept": lambda w: {"token": w["a"]["invitation"].link_token()},
    "almi_edit": lambda w: {"pk": w["a"]["almicontribution"].pk},
    "questionnaire": lambda w: {"kind": "entry"},
    "session_calendar": lambda w: {"pk": w["session"].pk},
    "certificates:verify": lambda w: {"code": w["a"]["recognition"].code},
    "certificates:pdf": lambda w: {"code": w["a"]["recognition"].code},
    "certificates:status_list": lambda w: {"pk": 1},
    "certificates:credential": lambda w: {"code": w["a"]["recognition"].code},
    "certificates:badge": lambda w: {"code": w["a"]["recognition"].code},
    "initiative:detail": lambda w: {"slug": w["initiative"].slug},
    "initiative:automapeo": lambda w: {"slug": w["initiative"].slug},
    "initiative:almi": lambda w: {"slug": w["initiative"].slug},
    "initiative:recognized": lambda w: {"slug": w["initiative"].slug},
    "initiative:questionnaires": lambda w: {"slug": w["initiative"].slug},
    "initiative:report": lambda w: {"slug": w["initiative"].slug},
    "initiative:open_data_json": lambda w: {"slug": w["initiative"].slug},
    "initiative:open_data_csv": lambda w: {"slug": w["initiative"].slug, "dataset": "recognized"},
}
# Routes that are not pages: Django's admin catch-all (any other path under /admin/ answers its 404).
NOT_PAGES = {"admin:admin_catch_all"}
OUTSIDERS = ("anonymous", "official_a", "official_b")
# The Argentine official's own pages: the Brazilian official must never see them.
OWN_PAGES_OF_A = {"almi_edit", "certificates:pdf"}
# Admin pages anyone may see: the admin's sign-in.
ADMIN_PUBLIC = {"admin:login"}


def takes_arguments(route):
    return bool(route.pattern.regex.groupindex) or "<" in str(route.pattern)


def model_of(app, model_name):
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (app, model_name):
            return model
    return None


def url_of(name, w):
    """The URL to request for `name`, or raise LookupError saying what the registry lacks."""
    route = ROUTES[name]
    if name in URL_ARGUMENTS:
        return reverse(name, kwargs=URL_ARGUMENTS[name](w))
    match = ADMIN_MODEL_VIEW.match(name)
    if match and match["view"] in ("change", "history", "delete"):
        model = model_of(match["app"], match["model"])
        obj = side_object(w, match["model"]) or (model._default_manager.order_by("pk").first() if model else None)
        if obj is None:
            raise LookupError(f"No {match['app']}.{match['model']} in the matrix's world: add one to extra_objects().")
        return reverse(name, args=[obj.pk])
    if takes_arguments(route):
        raise LookupError(f"{name} takes arguments: add how to name its object to URL_ARGUMENTS.")
    return reverse(name)


def argentine_object_page(name, w):
    """True when `name` shows one Argentine object of a model that the admin scopes by country."""
    match = ADMIN_MODEL_VIEW.match(name)
    if not (match and match["view"] in ("change", "history", "delete")):
        return name in {"admin:certificates_recognition_copy", "admin:certificates_recognition_override"}
    model = model_of(match["app"], match["model"])
    return match["model"] in w["a"] and hasattr(model._default_manager, "for_user")


def test_every_url_is_in_the_matrix(world):  # noqa: F811
    extra_objects(world)
    missing = []
    for name in sorted(set(ROUTES) - NOT_PAGES):
        try:
            url_of(name, world)
        except LookupError as error:
            missing.append(str(error))
    assert missing == []
    assert len(ROUTES) > 250  # the walk sees the admin's, allauth's and the API's routes too
    # The cross-country check has something to check: every scoped model's change, history and delete pages.
    assert len([name for name in ROUTES if argentine_object_page(name, world)]) >= 30


@pytest.mark.parametrize("role", ROLES)
def test_every_url_by_every_role(client, world, role, django_capture_on_commit_callbacks):  # noqa: F811
    extra_objects(world)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    failures, entries = [], LogEntry.objects.count()
    for name in sorted(set(ROUTES) - NOT_PAGES):
        url = url_of(name, world)
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{name} {url}: {status}")
        if name.startswith("admin:") and name not in ADMIN_PUBLIC and role in OUTSIDERS and status == 200:
            failures.append(f"{name} {url}: an admin page shown to {role}")
        if role == "country_y" and argentine_object_page(name, world) and status == 200:
            failures.append(f"{name} {url}: an Argentine object shown to the Brazilian country office")
        if role == "official_b" and name in OWN_PAGES_OF_A and status == 200:
            failures.append(f"{name} {url}: the Argentine official's page shown to the Brazilian official")
        if user is not None and "logout" not in name:
            client.force_login(user)  # a page may have signed the user out (allauth's, say): sign in again
    assert failures == []
    assert LogEntry.objects.count() == entries  # GETs change nothing
