"""A database rule never reaches a person as its name (issue 15, item 3): every constraint that a form or an
import can break says what is wrong and what to do; the others are written only by services and are listed
here with who writes them, so that a new constraint must choose."""

import pytest
from django.apps import apps
from django.db.models import UniqueConstraint
from django.urls import reverse

from tests import factories as f

APPS = ("authorities", "initiative", "workshops", "certificates")

# Kept by a service or a system field, never by what someone types into a form: no sentence needed.
WRITTEN_BY_SERVICES = {
    "initiative_stage_valid": "initiative.stages",
    "initiative_data_licence_valid": "a choice field",
    "transition_changes_stage": "initiative.stages.advance_stage",
    "transition_override_has_reason": "initiative.stages.advance_stage",
    "publication_piece_valid": "initiative.services.set_publication",
    "publication_published_has_date": "initiative.services.set_publication",
    "invitation_sent_has_date": "authorities.services",
    "invitation_accepted_has_date": "authorities.services",
    "event_kind_valid": "a choice field",
    "attendance_status_valid": "workshops.attendance",
    "attendance_import_confirmed_has_date": "workshops.attendance",
    "automapeo_submitted_has_date": "workshops.services",
    "almi_contribution_kind_valid": "a choice field",
    "questionnaire_knowledge_1_to_5": "the questionnaire form's choices",
    "questionnaire_satisfaction_1_to_5": "the questionnaire form's choices",
    "questionnaire_satisfaction_on_exit_only": "the questionnaire form",
    "questionnaire_kind_valid": "the questionnaire's URL",
    "status_list_not_overfull": "certificates.status_list",
    "recognition_holder_matches_kind": "certificates.services",
    "recognition_revocation_complete": "certificates.revocation",
    "recognition_valid_has_pdf": "certificates.services",
    "recognition_credential_has_status_slot": "certificates.credentials",
    "eligibility_override_has_reason": "certificates.eligibility (its form asks the reason)",
    "issuance_batch_status_valid": "certificates.services",
    "issuance_item_holder_matches_kind": "certificates.services",
    "issuance_item_status_valid": "certificates.services",
    "issuance_item_failure_valid": "certificates.services",
    "almi_contribution_sent_once": "workshops.services (a form sent twice is saved once)",
    "recognition_one_per_person": "certificates.services (issuance)",
    "recognition_one_per_government": "certificates.services (issuance)",
    "issuance_item_person_once": "certificates.services (issuance)",
    "issuance_item_government_once": "certificates.services (issuance)",
}


def constraints():
    for model in apps.get_models():
        if model._meta.app_label in APPS:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_a_person_can_break_says_what_to_do():
    nameless = []
    for model, constraint in constraints():
        if constraint.name in WRITTEN_BY_SERVICES:
            continue
        # A unique constraint on plain fields reaches a form as Django's "… with this … already exists".
        if isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.condition:
            continue
        if constraint.name in str(constraint.get_violation_error_message()):
            nameless.append(f"{model.__name__}.{constraint.name}")
    assert nameless == []
    names = {constraint.name for _model, constraint in constraints()}
    assert set(WRITTEN_BY_SERVICES) <= names  # no stale entry


@pytest.mark.django_db
def test_the_admin_says_it_in_words(client):
    government = f.make_government("PE", name="Lima Metropolitana")
    client.force_login(f.make_regional_staff())
    duplicate = client.post(
        reverse("admin:authorities_localgovernment_add"),
        {"name": "LIMA METROPOLITANA", "country": "PE", "region": government.region},
    )
    html = duplicate.content.decode()
    assert "local_government_unique_name" not in html
    assert "Ya existe un gobierno local con este nombre en este país y región" in html

    resource = client.post(
        reverse("admin:initiative_resource_add"), {"title": "Manual", "kind": "other", "language": "es"}
    )
    html = resource.content.decode()
    assert "resource_has_file_or_link" not in html
    assert "Dé al recurso un archivo o un enlace." in html
