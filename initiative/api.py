"""The open read-only API under /api/v1/ (django-ninja): published initiatives with their figures, the recognized
governments that consented to be listed, the published Automapeo, ALMI and knowledge-gain analyses, and
verification by code.

GET only, no authentication, JSON, CORS open (django-cors-headers, see settings), a rate limit per client, cache
headers. It shows nothing a public page does not: every answer comes from initiative/public_data.py, which
asks the public pages' own rules. The OpenAPI 3.1 schema is at /api/v1/openapi.json, its interactive docs at
/api/v1/docs (Swagger UI served from our static files).

Why django-ninja rather than Django REST framework with drf-spectacular: the API is a handful of read-only
endpoints over functions that already return plain data; ninja types them with pydantic and derives an
OpenAPI 3.1 schema from the same types that validate each answer, ships its Swagger UI as static files (no
CDN, no inline script), and brings no serializer layer, viewsets or authentication machinery we would switch off.
"""

from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import cache_control
from ninja import NinjaAPI, Path, Schema
from ninja.decorators import decorate_view
from ninja.throttling import AnonRateThrottle

from alp_portal.client import client_address

from . import public_data

API_CACHE = cache_control(public=True, max_age=300)


class ClientAddressThrottle(AnonRateThrottle):
    """ninja's per-client limit, counting clients by the portal's one rule (alp_portal/client.py)."""

    def get_ident(self, request):
        return client_address(request)


api = NinjaAPI(
    title="ALP Portal open data API",
    version="1",
    description=(
        "Read-only, public data of the Champion Local Authorities initiatives (IOM Regional Office for South "
        "America): what the portal's public pages show. Each initiative's data carries its licence."
    ),
    urls_namespace="api-v1",
    throttle=[ClientAddressThrottle(settings.API_RATE_LIMIT)],
)


class Licence(Schema):
    id: str
    name: str
    url: str


class InitiativeSummary(Schema):
    slug: str
    name: str
    year: int
    region: str
    description: str
    stage: str
    published_pieces: list[str]
    published_at: datetime | None
    licence: Licence


class StageDate(Schema):
    stage: str
    began_at: datetime


class StageFigures(Schema):
    stage: str
    title: dict[str, str]
    people: int
    governments: int
    countries: int
    sentence: dict[str, str]


class InitiativeDetail(InitiativeSummary):
    stages: list[StageDate]
    figures: list[StageFigures]


class RecognizedGovernment(Schema):
    name: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None
    recognized_officials: list[str]


class RecognizedGovernments(Schema):
    named: int
    unnamed: int
    governments: list[RecognizedGovernment]


class CoverageRow(Schema):
    number: int
    title: dict[str, str]
    actions: int
    governments: int


class AutomapeoAnalysis(Schema):
    governments: int
    objectives: list[CoverageRow]
    principles: list[CoverageRow]
    uncovered_objectives: list[int]


class AlmiItem(Schema):
    title: str
    summary: str
    kind: str
    objectives: list[int]
    governments: int
    countries: int


class AlmiTheme(Schema):
    theme: str
    items: list[AlmiItem]


class AlmiAnalysis(Schema):
    themes: list[AlmiTheme]


class KnowledgeBucket(Schema):
    low: int
    high: int
    people: int


class KnowledgeCountry(Schema):
    country: str | None  # None: countries of fewer than `smallest_group` people, pooled
    people: int
    average: float


class KnowledgeRole(Schema):
    role: str | None  # None: kinds of role of fewer than `smallest_group` people, pooled
    people: int
    average: float


class Satisfaction(Schema):
    people: int | None
    average: float | None
    scores: list[KnowledgeBucket]


class KnowledgeGain(Schema):
    smallest_group: int
    people: int | None
    average: float | None
    distribution: list[KnowledgeBucket]
    by_country: list[KnowledgeCountry]
    by_role: list[KnowledgeRole]
    satisfaction: Satisfaction
    notes: dict[str, list[str]]


class Verification(Schema):
    code: str
    status: str
    holder_name: str | None = None
    kind: str | None = None
    initiative: str | None = None
    issued_at: datetime | None = None
    pdf_sha256: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    credential_url: str | None = None


class NotFound(Schema):
    detail: str


def _initiative(slug):
    initiative = public_data.get_published_initiative(slug)
    if initiative is None:
        raise Http404("No published initiative has this slug.")
    return initiative


def _piece(slug, piece, build):
    initiative = _initiative(slug)
    if piece not in public_data.public_pieces(initiative):
        raise Http404("This piece of the initiative is not published.")
    return build(initiative)


@api.get("/initiatives", response=list[InitiativeSummary], tags=["initiatives"])
@decorate_view(API_CACHE)
def list_initiatives(request):
    """The initiatives with at least one published piece, newest first."""
    return [
        public_data.initiative_summary(
            initiative, public_data.public_pieces(initiative, public_data.states_of(initiative))
        )
        for initiative in public_data.published_initiatives()
    ]


@api.get("/initiatives/{slug}", response={200: InitiativeDetail, 404: NotFound}, tags=["initiatives"])
@decorate_view(API_CACHE)
def get_initiative(request, slug: Path[str]):
    """A published initiative: its stages and the figures of each, with the report's sentence in Spanish,
    Portuguese and English."""
    return public_data.initiative_detail(_initiative(slug))


@api.get(
    "/initiatives/{slug}/recognized",
    response={200: RecognizedGovernments, 404: NotFound},
    tags=["initiatives"],
)
@decorate_view(API_CACHE)
def get_recognized(request, slug: Path[str]):
    """The recognized local governments that consented to be listed, with their recognized officials who
    consented too; `unnamed` counts the others."""
    from .enums import Piece

    return _piece(slug, Piece.RECOGNIZED, public_data.recognized_data)


@api.get("/initiatives/{slug}/automapeo", response={200: AutomapeoAnalysis, 404: NotFound}, tags=["initiatives"])
@decorate_view(API_CACHE)
def get_automapeo(request, slug: Path[str]):
    """The systematized Automapeo: coverage of the 23 GCM objectives and 10 guiding principles."""
    from .enums import Piece

    return _piece(slug, Piece.AUTOMAPEO, public_data.automapeo_data)


@api.get("/initiatives/{slug}/almi", response={200: AlmiAnalysis, 404: NotFound}, tags=["initiatives"])
@decorate_view(API_CACHE)
def get_almi(request, slug: Path[str]):
    """The systematized ALMI: agenda items by theme, with how many governments and countries raised each."""
    from .enums import Piece

    return _piece(slug, Piece.ALMI, public_data.almi_data)


@api.get("/initiatives/{slug}/knowledge", response={200: KnowledgeGain, 404: NotFound}, tags=["initiatives"])
@decorate_view(API_CACHE)
def get_knowledge(request, slug: Path[str]):
    """The knowledge gain (exit minus entry questionnaire, 1 to 5) and satisfaction. No group of fewer than
    `smallest_group` people is shown: small countries and kinds of role are pooled (null key), values of the
    distributions held by few are shown as ranges, and `notes` say why in Spanish, Portuguese and English."""
    from .enums import Piece

    return _piece(slug, Piece.KNOWLEDGE, public_data.knowledge_data)


@api.get("/verify/{code}", response=Verification, tags=["verification"])
@decorate_view(cache_control(public=True, max_age=60))
def verify(request, code: Path[str]):
    """A recognition by its code: `valid`, `revoked` (with the date and the reason) or `unknown`."""
    return public_data.verification(code)
