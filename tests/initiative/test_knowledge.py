"""The knowledge gain: published and withdrawn like the other pieces, and no group of fewer than five people
shown on its page, in the report or in the e-mail's links."""

import subprocess

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from initiative.enums import Piece
from initiative.knowledge import SMALLEST_GROUP, Bucket, Group, knowledge_gain, may_show, pool_buckets, pool_groups
from initiative.models import Publication, StageTransition
from initiative.services import published_links, send_dissemination_email, set_publication
from tests.factories import (
    make_country_staff,
    make_government,
    make_initiative,
    make_portal_official,
    make_regional_staff,
)
from tests.initiative.test_dissemination import pdf_of
from workshops.enums import QuestionnaireKind
from workshops.models import QuestionnaireResponse

from .dissemination_world import build, recognize

pytestmark = pytest.mark.django_db

# (country, kind of role, gain, satisfaction) of the 20 people who answered both questionnaires.
COHORT = [
    ("AR", "mayor", 1, 5),
    ("AR", "mayor", 1, 5),
    ("AR", "mayor", 2, 5),
    ("AR", "mayor", 2, 5),
    ("AR", "mayor", 3, 5),
    ("AR", "technical", 0, 5),
    ("AR", "technical", 0, 5),
    ("AR", "technical", 1, 4),
    ("BR", "mayor", 1, 4),
    ("BR", "mayor", 2, 4),
    ("BR", "mayor", 2, 4),
    ("BR", "mayor", 4, 4),
    ("BR", "technical", 0, 4),
    ("BR", "technical", -1, 4),
    ("CL", "technical", 0, 4),
    ("CL", "technical", 1, 3),
    ("CL", "secretary", 2, 3),
    ("PE", "secretary", 0, 3),
    ("PE", "secretary", 1, 3),
    ("UY", "council", 3, 1),
]


def answer(official, initiative, kind, knowledge, satisfaction=None):
    QuestionnaireResponse.objects.create(
        official=official, initiative=initiative, kind=kind, knowledge=knowledge, satisfaction=satisfaction
    )


def add_cohort(initiative, rows, *, prefix=""):
    governments = {}
    officials = []
    for i, (country, role, gain, satisfaction) in enumerate(rows):
        if country not in governments:
            governments[country] = make_government(country, f"{prefix}Ciudad {country}")
        official = make_portal_official(
            initiative, governments[country], role_kind=role, email=f"{prefix}p{i}@example.org"
        )
        entry = 4 if gain < 0 else 1
        answer(official, initiative, QuestionnaireKind.ENTRY, entry)
        answer(official, initiative, QuestionnaireKind.EXIT, entry + gain, satisfaction)
        officials.append(official)
    return officials


@pytest.fixture
def cohort():
    """An initiative in its dissemination stage: the 20 people of COHORT, one more who answered only the exit
    questionnaire (satisfaction 2) and one who answered only the entry one."""
    staff = make_regional_staff()
    initiative = make_initiative(name="ALP Cohorte", slug="alp-cohorte", stage="dissemination")
    StageTransition.objects.create(
        initiative=initiative, from_stage="certification", to_stage="dissemination", by=staff
    )
    officials = add_cohort(initiative, COHORT)
    late = make_portal_official(initiative, make_government("UY", "Tardía"), role_kind="other")
    answer(late, initiative, QuestionnaireKind.EXIT, 3, 2)
    early = make_portal_official(initiative, make_government("UY", "Temprana"), role_kind="other")
    answer(early, initiative, QuestionnaireKind.ENTRY, 2)
    return initiative, staff, officials


# The rule and its two poolings


def test_may_show_only_nobody_or_five_and_more():
    assert SMALLEST_GROUP == 5
    assert [may_show(people) for people in range(7)] == [True, False, False, False, False, True, True]


def test_pool_buckets_finest_split_with_five_or_more_in_each():
    counts = [(-4, 0), (-3, 0), (-2, 0), (-1, 1), (0, 5), (1, 6), (2, 5), (3, 2), (4, 1)]

    buckets = pool_buckets(counts)

    assert buckets == [
        Bucket(-4, -4, 0),
        Bucket(-3, -3, 0),
        Bucket(-2, -2, 0),
        Bucket(-1, 0, 6),
        Bucket(1, 1, 6),
        Bucket(2, 4, 8),
    ]
    with translation.override("en"):
        assert [bucket.label for bucket in buckets] == ["-4", "-3", "-2", "-1 to 0", "+1", "+2 to +4"]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([(1, 5), (2, 5), (3, 5)], [(1, 1, 5), (2, 2, 5), (3, 3, 5)]),  # nothing to pool
        ([(1, 4), (2, 0), (3, 1)], [(1, 3, 5)]),  # the empty value between is taken in
        ([(1, 1), (2, 9), (3, 1)], [(1, 3, 11)]),  # a small value on each side
        ([(1, 0), (2, 5), (3, 4)], [(1, 1, 0), (2, 3, 9)]),
        ([(1, 2), (2, 2)], []),  # too few together: nothing
        ([(1, 0), (2, 0)], []),
    ],
)
def test_pool_buckets_exact_ranges(counts, expected):
    assert [(b.low, b.high, b.people) for b in pool_buckets(counts, signed=False)] == expected


def test_pool_groups_puts_small_groups_together():
    groups = [("AR", "Argentina", [1] * 8), ("CL", "Chile", [0, 0, 3]), ("PE", "Perú", [2, 2]), ("UY", "Uruguay", [4])]

    assert pool_groups(groups, rest_label="Other", all_label="All") == (
        [Group("AR", "Argentina", 8, 1.0), Group("", "Other", 6, 1.83)],
        True,
    )


def test_pool_groups_adds_the_smallest_shown_group_when_the_rest_is_too_small():
    # Chile alone (2 people) could be worked out from the total minus Argentina and Brazil: Brazil joins it.
    groups = [("AR", "Argentina", [1] * 9), ("BR", "Brasil", [2] * 6), ("CL", "Chile", [0, 4])]

    assert pool_groups(groups, rest_label="Other", all_label="All") == (
        [Group("AR", "Argentina", 9, 1.0), Group("", "Other", 8, 2.0)],
        True,
    )


def test_pool_groups_all_together_when_none_is_large_enough():
    groups = [("CL", "Chile", [1, 2, 3]), ("PE", "Perú", [3, 3])]

    assert pool_groups(groups, rest_label="Other", all_label="All") == ([Group("", "All", 5, 2.4)], True)


def test_pool_groups_nothing_to_pool():
    groups = [("AR", "Argentina", [1] * 5), ("BR", "Brasil", [3] * 5)]

    assert pool_groups(groups, rest_label="Other", all_label="All") == (
        [Group("AR", "Argentina", 5, 1.0), Group("BR", "Brasil", 5, 3.0)],
        False,
    )


# The analysis


NOTES_EN = [
    "Gains held by fewer than 5 people are shown together with neighbouring gains, so that nobody's answers can be "
    "singled out.",
    "Countries with fewer than 5 people are counted together, so that nobody's answers can be singled out.",
    "Kinds of role with fewer than 5 people are counted together, so that nobody's answers can be singled out.",
    "Scores given by fewer than 5 people are shown together with neighbouring scores, so that nobody's answers can "
    "be singled out.",
]


def test_knowledge_gain_pools_small_groups_with_exact_values(cohort, english):
    initiative, _staff, _officials = cohort

    gain = knowledge_gain(initiative)

    assert (gain.people, gain.average) == (20, 1.25)
    assert [(b.label, b.people) for b in gain.distribution] == [
        ("-4", 0),
        ("-3", 0),
        ("-2", 0),
        ("-1 to 0", 6),
        ("+1", 6),
        ("+2 to +4", 8),
    ]
    # Chile (3), Peru (2) and Uruguay (1) together: 0, 1, 2, 0, 1, 3.
    assert gain.by_country == [
        Group("AR", "Argentina", 8, 1.25),
        Group("BR", "Brazil", 6, 1.33),
        Group("", "Other countries", 6, 1.17),
    ]
    # Secretaries (3) and the council member (1) are 4 together: the technical staff (7) join them.
    assert gain.by_role == [Group("mayor", "Mayor or governor", 9, 2.0), Group("", "Other kinds of role", 11, 0.64)]
    assert (gain.satisfaction_people, gain.satisfaction_average) == (21, 3.9)
    assert [(b.label, b.people) for b in gain.satisfaction] == [("1 to 3", 6), ("4", 8), ("5", 7)]
    assert gain.notes == NOTES_EN


def test_knowledge_gain_withheld_below_five_people(english):
    world = build()  # two people answered both questionnaires, three gave a satisfaction score

    gain = knowledge_gain(world.initiative)

    assert (gain.people, gain.shown, gain.average, gain.distribution, gain.by_country, gain.by_role) == (
        2,
        False,
        None,
        [],
        [],
        [],
    )
    assert (gain.satisfaction_people, gain.satisfaction_shown, gain.satisfaction) == (3, False, [])
    assert gain.notes == [
        "Fewer than 5 people answered both the entry and the exit questionnaire: the knowledge gain is not shown, "
        "so that nobody's answers can be singled out.",
        "Fewer than 5 people gave a satisfaction score: it is not shown, so that nobody's answers can be singled out.",
    ]


def test_knowledge_gain_without_answers(english):
    gain = knowledge_gain(make_initiative())

    assert (gain.people, gain.shown, gain.satisfaction_people, gain.satisfaction_shown, gain.notes) == (
        0,
        False,
        0,
        False,
        [],
    )


# The page: published, withdrawn, and what it shows


def questionnaires_url(initiative):
    return reverse("initiative:questionnaires", args=[initiative.slug])


def test_published_knowledge_page_public_with_pooled_figures(cohort, client):
    initiative, staff, _officials = cohort
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)

    response = client.get(questionnaires_url(initiative), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "20 people answered both the entry and the exit questionnaire." in page
    assert "Average knowledge gain (exit minus entry, on a scale of 1 to 5): 1.25." in page
    assert "<tr><td>-1 to 0</td><td>6</td></tr>" in page
    assert "<tr><td>+2 to +4</td><td>8</td></tr>" in page
    assert "<tr><td>Argentina</td><td>8</td><td>1.25</td></tr>" in page
    assert "<tr><td>Other countries</td><td>6</td><td>1.17</td></tr>" in page
    assert "<tr><td>Other kinds of role</td><td>11</td><td>0.64</td></tr>" in page
    assert "<tr><td>1 to 3</td><td>6</td></tr>" in page
    assert "Average satisfaction 3.9 of 5 (21 answers)." in page
    for note in NOTES_EN:
        assert note.replace("'", "&#x27;") in page
    for hidden in ("Chile", "Peru", "Uruguay", "Secretary or director", "Council member", "Technical staff"):
        assert hidden not in page
    assert "Published on" in page


def test_withdrawn_knowledge_page_404_for_anonymous_and_200_inside(cohort, client):
    initiative, staff, officials = cohort
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=False, by=staff)

    assert client.get(questionnaires_url(initiative)).status_code == 404

    client.force_login(officials[0].user)  # a participant sees the same pooled figures before publication
    response = client.get(questionnaires_url(initiative), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["gain"].by_country[-1] == Group("", "Other countries", 6, 1.17)
    assert "Chile" not in response.content.decode()


def test_knowledge_page_fixed_query_count(cohort, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    initiative, staff, _officials = cohort
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)
    url = questionnaires_url(initiative)
    client.get(url)
    cache.clear()  # both measured requests compute the page (initiative/freshness.py keeps it until a change)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_cohort(initiative, COHORT * 3, prefix="m")

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.context["gain"].people == 80


def test_initiative_page_and_home_link_the_published_knowledge_gain(cohort, client):
    initiative, staff, _officials = cohort
    url = questionnaires_url(initiative)
    set_publication(initiative=initiative, piece=Piece.ALMI, published=True, by=staff)
    assert url not in client.get(reverse("initiative:detail", args=[initiative.slug])).content.decode()

    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)

    assert f'<a href="{url}">' in client.get(reverse("initiative:detail", args=[initiative.slug])).content.decode()
    assert f'<a href="{url}">' in client.get(reverse("home")).content.decode()


# Publication by the admin, and the e-mail


def test_admin_publish_and_withdraw_knowledge(cohort, client):
    initiative, staff, _officials = cohort
    client.force_login(staff)
    changelist = reverse("admin:initiative_initiative_changelist")

    client.post(changelist, {"action": "publish_knowledge", "_selected_action": [initiative.pk]})
    assert Publication.objects.get(initiative=initiative, piece="knowledge").is_published is True
    assert client.get(questionnaires_url(initiative)).status_code == 200

    client.post(changelist, {"action": "withdraw_knowledge", "_selected_action": [initiative.pk]})
    assert Publication.objects.get(initiative=initiative, piece="knowledge").is_published is False
    client.logout()
    assert client.get(questionnaires_url(initiative)).status_code == 404


def test_admin_publish_knowledge_refused_to_country_office(cohort, client):
    initiative, _staff, _officials = cohort
    client.force_login(make_country_staff("AR"))

    client.post(
        reverse("admin:initiative_initiative_changelist"),
        {"action": "publish_knowledge", "_selected_action": [initiative.pk]},
    )

    assert Publication.objects.filter(initiative=initiative).exists() is False


def test_dissemination_email_links_the_knowledge_gain(cohort, settings):
    initiative, staff, officials = cohort
    settings.SITE_URL = "https://alp.example.org"
    recognize(initiative, official=officials[0], by=staff)
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)

    with translation.override("en"):
        assert published_links(initiative) == [
            ("Knowledge gain and satisfaction", "https://alp.example.org/initiatives/alp-cohorte/questionnaires/")
        ]
    assert send_dissemination_email(initiative=initiative, by=staff) == 1
    assert "https://alp.example.org/initiatives/alp-cohorte/questionnaires/" in mail.outbox[0].body


# The PDF report


REPORT_TEXT = {
    "es": ["Aumento del conocimiento y satisfacción", "Otros países", "1,17", "+2 a +4"],
    "pt-br": ["Ganho de conhecimento e satisfação", "Outros países", "1,17", "+2 a +4"],
    "en": ["Knowledge gain and satisfaction", "Other countries", "1.17", "+2 to +4"],
}


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_report_pdf_has_the_knowledge_section_in_each_language(cohort, client, language):
    initiative, staff, _officials = cohort
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)

    response = client.get(reverse("initiative:report", args=[initiative.slug]) + f"?lang={language}")

    assert (response.status_code, response["Content-Language"]) == (200, language)
    text = " ".join(pdf_text(pdf_of(response)).split())
    for expected in REPORT_TEXT[language]:
        assert expected in text
    assert "Chile" not in text


def test_report_pdf_leaves_out_the_unpublished_knowledge_gain(cohort, client):
    initiative, staff, _officials = cohort
    set_publication(initiative=initiative, piece=Piece.ALMI, published=True, by=staff)

    text = pdf_text(pdf_of(client.get(reverse("initiative:report", args=[initiative.slug]) + "?lang=en")))

    assert "Knowledge gain and satisfaction" not in text
    assert "Other countries" not in text


# The open API and the open data


def test_api_and_open_data_give_the_pooled_knowledge_gain(cohort, client):
    import csv
    import io

    initiative, staff, _officials = cohort
    api_url = "/api/v1/initiatives/alp-cohorte/knowledge"
    csv_url = reverse("initiative:open_data_csv", args=["alp-cohorte", "knowledge"])
    set_publication(initiative=initiative, piece=Piece.ALMI, published=True, by=staff)
    assert (client.get(api_url).status_code, client.get(csv_url).status_code) == (404, 404)
    set_publication(initiative=initiative, piece=Piece.KNOWLEDGE, published=True, by=staff)

    data = client.get(api_url).json()
    rows = list(csv.reader(io.StringIO(client.get(csv_url).content.decode())))

    assert {key: value for key, value in data.items() if key != "notes"} == {
        "smallest_group": 5,
        "people": 20,
        "average": 1.25,
        "distribution": [
            {"low": -4, "high": -4, "people": 0},
            {"low": -3, "high": -3, "people": 0},
            {"low": -2, "high": -2, "people": 0},
            {"low": -1, "high": 0, "people": 6},
            {"low": 1, "high": 1, "people": 6},
            {"low": 2, "high": 4, "people": 8},
        ],
        "by_country": [
            {"country": "AR", "people": 8, "average": 1.25},
            {"country": "BR", "people": 6, "average": 1.33},
            {"country": None, "people": 6, "average": 1.17},
        ],
        "by_role": [{"role": "mayor", "people": 9, "average": 2.0}, {"role": None, "people": 11, "average": 0.64}],
        "satisfaction": {
            "people": 21,
            "average": 3.9,
            "scores": [
                {"low": 1, "high": 3, "people": 6},
                {"low": 4, "high": 4, "people": 8},
                {"low": 5, "high": 5, "people": 7},
            ],
        },
    }
    assert data["notes"]["en"] == NOTES_EN
    assert data["notes"]["es"][1] == (
        "Los países con menos de 5 personas se cuentan juntos, para que nadie pueda ser identificado por sus "
        "respuestas."
    )
    assert rows == [
        ["table", "group", "low", "high", "people", "average"],
        ["gain", "", "-4", "-4", "0", ""],
        ["gain", "", "-3", "-3", "0", ""],
        ["gain", "", "-2", "-2", "0", ""],
        ["gain", "", "-1", "0", "6", ""],
        ["gain", "", "1", "1", "6", ""],
        ["gain", "", "2", "4", "8", ""],
        ["country", "AR", "", "", "8", "1.25"],
        ["country", "BR", "", "", "6", "1.33"],
        ["country", "pooled", "", "", "6", "1.17"],
        ["role", "mayor", "", "", "9", "2.0"],
        ["role", "pooled", "", "", "11", "0.64"],
        ["satisfaction", "", "1", "3", "6", ""],
        ["satisfaction", "", "4", "4", "8", ""],
        ["satisfaction", "", "5", "5", "7", ""],
    ]


def test_api_knowledge_withheld_below_five_people(client):
    world = build()
    set_publication(initiative=world.initiative, piece=Piece.KNOWLEDGE, published=True, by=world.staff)

    data = client.get(f"/api/v1/initiatives/{world.initiative.slug}/knowledge").json()

    assert (data["people"], data["average"], data["distribution"], data["by_country"], data["by_role"]) == (
        None,
        None,
        [],
        [],
        [],
    )
    assert data["satisfaction"] == {"people": None, "average": None, "scores": []}
    assert len(data["notes"]["pt-br"]) == 2
