"""A small initiative in its dissemination stage whose figures are worked out by hand in the tests."""

from dataclasses import dataclass

from django.utils import timezone

from initiative.models import GuidingPrinciple, Objective, StageTransition
from tests.factories import (
    make_action,
    make_automapeo,
    make_contribution,
    make_country_staff,
    make_government,
    make_initiative,
    make_portal_official,
    make_recognition,
    make_regional_staff,
)
from workshops.enums import ActionStatus, QuestionnaireKind
from workshops.models import AlmiAgendaItem, QuestionnaireResponse


def recognize(initiative, *, official=None, government=None, by):
    return make_recognition(initiative, official=official, local_government=government, issued_by=by)


@dataclass
class World:
    initiative: object
    other_initiative: object
    staff: object
    country_staff_ar: object
    country_staff_cl: object
    g1: object
    g2: object
    g3: object
    o1: object
    o2: object
    o3: object
    o4: object
    outsider: object
    items: list
    contributions: list


def build():
    staff = make_regional_staff()
    initiative = make_initiative(name="ALP Sudamérica 2023", slug="alp-2023", stage="dissemination")
    StageTransition.objects.create(
        initiative=initiative, from_stage="certification", to_stage="dissemination", by=staff
    )
    other = make_initiative(name="ALP Otra", slug="alp-otra", stage="workshop")
    g1 = make_government("AR", "Rosario", latitude=-32.95, longitude=-60.65)
    g2 = make_government("BR", "São Paulo", latitude=-23.55, longitude=-46.63)
    g3 = make_government("AR", "Municipio Reservado", latitude=-34.6, longitude=-58.4, public_consent=False)
    o1 = make_portal_official(
        initiative, g1, first_name="Ana", last_name="Consiente", role_kind="mayor", public_consent=True
    )
    o2 = make_portal_official(
        initiative,
        g2,
        first_name="Bruno",
        last_name="Silva",
        role_kind="technical",
        language="pt-br",
        public_consent=True,
    )
    o3 = make_portal_official(
        initiative, g1, first_name="Carla", last_name="Privada", role_kind="mayor", public_consent=False
    )
    o4 = make_portal_official(initiative, g3, first_name="Diego", last_name="Oculto", public_consent=True)
    outsider = make_portal_official(other, make_government("CL", "Valparaíso"))

    objectives = {o.number: o for o in Objective.objects.all()}
    principles = {p.number: p for p in GuidingPrinciple.objects.all()}
    now = timezone.now()
    a1 = make_automapeo(g1, initiative, status="submitted", submitted_at=now)
    make_action(a1, objectives=[objectives[1], objectives[2]], principles=[principles[1]], status=ActionStatus.IN_PLACE)
    make_action(a1, objectives=[objectives[1]], principles=[principles[1], principles[2]], status=ActionStatus.PLANNED)
    a2 = make_automapeo(g2, initiative, status="submitted", submitted_at=now)
    make_action(a2, objectives=[objectives[2]], principles=[principles[2]], status=ActionStatus.IN_PROGRESS)
    a3 = make_automapeo(g3, initiative)  # a draft: not in the analysis
    make_action(a3, objectives=[objectives[5]])

    def answer(official, kind, knowledge, satisfaction=None):
        QuestionnaireResponse.objects.create(
            official=official, initiative=initiative, kind=kind, knowledge=knowledge, satisfaction=satisfaction
        )

    answer(o1, QuestionnaireKind.ENTRY, 2)
    answer(o1, QuestionnaireKind.EXIT, 4, 5)
    answer(o2, QuestionnaireKind.ENTRY, 3)
    answer(o2, QuestionnaireKind.EXIT, 3, 4)
    answer(o3, QuestionnaireKind.ENTRY, 1)  # no exit: no gain
    answer(o4, QuestionnaireKind.EXIT, 4, 3)  # no entry: no gain, satisfaction counts

    c1 = make_contribution(o1, initiative, text="Falta de datos")
    c2 = make_contribution(o3, initiative, text="Datos dispersos")
    c3 = make_contribution(o2, initiative, text="Sem dados")
    c4 = make_contribution(o2, initiative, text="Moradia")
    x = AlmiAgendaItem.objects.create(initiative=initiative, theme="Datos", title="Datos locales", kind="challenge")
    x.contributions.set([c1, c2, c3])
    x.objectives.set([objectives[1]])
    y = AlmiAgendaItem.objects.create(
        initiative=initiative, theme="Datos", title="Datos (duplicado)", kind="challenge", position=1
    )
    y.contributions.set([c1])
    z = AlmiAgendaItem.objects.create(initiative=initiative, theme="Vivienda", title="Vivienda digna", kind="concern")

    for official in (o1, o2, o3, o4):
        recognize(initiative, official=official, by=staff)
    for government in (g1, g2, g3):
        recognize(initiative, government=government, by=staff)
    return World(
        initiative,
        other,
        staff,
        make_country_staff("AR"),
        make_country_staff("CL"),
        g1,
        g2,
        g3,
        o1,
        o2,
        o3,
        o4,
        outsider,
        [x, y, z],
        [c1, c2, c3, c4],
    )
