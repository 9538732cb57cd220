"""The recognized local governments are one set (certificates.queries.recognized_local_governments): the
figures of the initiative's page, its report and API, and the public map and list count the same governments,
also after a government's people are revoked (issue 11.4)."""

import pytest

from certificates.enums import RecognitionKind
from certificates.models import Recognition
from certificates.queries import recognized_figures, recognized_local_governments
from certificates.revocation import revoke_recognition
from initiative.dissemination import recognized_governments
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def four():
    """Four governments (three in Argentina, one in Brazil), each with one recognized official, and their own
    recognitions."""
    initiative = f.make_initiative(name="ALP Andes 2027")
    staff = f.make_regional_staff()
    people = {}
    for country, name in (("AR", "Quilmes"), ("AR", "Rosario"), ("AR", "Salta"), ("BR", "Recife")):
        government = f.make_government(country, name=name, public_consent=True)
        official = f.make_official(government, public_consent=True)
        people[name] = f.make_recognition(initiative, official=official, issued_by=staff)
        f.make_recognition(initiative, local_government=government, issued_by=staff)
    return {"initiative": initiative, "staff": staff, "people": people}


def counted(initiative):
    figures = recognized_figures(initiative)
    listed = recognized_governments(initiative)
    return figures.people, figures.governments, figures.countries, listed.total


def test_figures_and_map_count_the_same_governments(four):
    assert counted(four["initiative"]) == (4, 4, 2, 4)


def test_figures_and_map_agree_after_the_only_person_of_a_government_is_revoked(four):
    revoke_recognition(recognition=four["people"]["Quilmes"], reason="Error", by=four["staff"])

    # Quilmes still holds its own valid recognition: recognized on the map and in the figures alike.
    assert counted(four["initiative"]) == (3, 4, 2, 4)

    quilmes = Recognition.objects.valid().get(kind=RecognitionKind.GOVERNMENT, holder_name="Quilmes")
    revoke_recognition(recognition=quilmes, reason="Nobody of Quilmes is recognized", by=four["staff"])
    assert counted(four["initiative"]) == (3, 3, 2, 3)


def test_figures_by_country_count_the_recognized_governments(four, english):
    revoke_recognition(recognition=four["people"]["Recife"], reason="Error", by=four["staff"])
    assert recognized_figures(four["initiative"]).by_country == [("AR", "Argentina", 3, 3), ("BR", "Brazil", 0, 1)]
    assert sorted(recognized_local_governments(four["initiative"]).values_list("name", flat=True)) == [
        "Quilmes",
        "Recife",
        "Rosario",
        "Salta",
    ]


def test_recognized_figures_cost_two_queries(four, django_assert_num_queries):
    # The recognized people's rows and the recognized governments' rows, counted in Python.
    with django_assert_num_queries(2):
        recognized_figures(four["initiative"])


def test_governments_left_without_people_only_in_the_same_initiative(four, django_assert_num_queries):
    from certificates.queries import governments_left_without_people

    quilmes_ana = four["people"]["Quilmes"]
    other = f.make_initiative(name="ALP 2028")
    f.make_recognition(other, local_government=quilmes_ana.official.local_government)  # another cohort's
    recognitions = list(Recognition.objects.filter(pk=quilmes_ana.pk).select_related("official"))

    with django_assert_num_queries(1):
        left = list(governments_left_without_people(recognitions))

    assert [(r.holder_name, r.initiative_id) for r in left] == [("Quilmes", four["initiative"].pk)]
