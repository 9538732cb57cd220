"""Generate a large synthetic region for benchmarks: `manage.py generate_region --governments 2000`.

Creates the initiative "synthetic-region" with N local governments spread over the 12 countries of South
America (about 1.5 officials each), their invitations, a launch with one session, two workshop editions of two
sessions each, attendance (about 90 % at the launch and 60 % at the workshop), registrations, Automapeos with
actions, ALMI contributions and questionnaire responses. The data is random but deterministic (`--seed`), and
the people are invented: their e-mails end in @synthetic.alp, which is how `--reset` finds them again.

The initiative is left in the mapping stage; every session lies in the past, so the stage runner's guards let
regional staff move it to certification in the ordinary way.
"""

import json
import random
import time as clock
import unicodedata
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError

from alp_portal.generations import everything_written
from authorities.enums import Gender, GovernmentKind, InvitationStatus
from authorities.models import Invitation, LocalGovernment, Official
from certificates.models import Recognition
from initiative.models import GuidingPrinciple, Initiative, Objective
from initiative.stages import initiative_figures
from workshops.enums import (
    ActionStatus,
    AttendanceSource,
    AttendanceStatus,
    ContributionKind,
    EventKind,
    QuestionnaireKind,
    SubmissionStatus,
)
from workshops.models import (
    AlmiContribution,
    Attendance,
    Automapeo,
    AutomapeoAction,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)

WORDS_FILE = settings.BASE_DIR / "fixtures" / "synthetic_region.json"
SLUG = "synthetic-region"
EMAIL_DOMAIN = "synthetic.alp"
BATCH = 1000
TIME_ZONE = "America/Argentina/Buenos_Aires"


def ascii_slug(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def at(day, hour_minute="10:00"):
    """A moment of 2024 in the organisers' time zone (UTC-3 all year)."""
    return datetime.fromisoformat(f"{day}T{hour_minute}:00-03:00")


class Command(BaseCommand):
    help = "Generate a large synthetic region (initiative “synthetic-region”) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--governments", type=int, default=2000, help="Number of local governments (2000).")
        parser.add_argument("--seed", type=int, default=2023, help="Seed of the random generator (2023).")
        parser.add_argument("--reset", action="store_true", help="Delete a previous synthetic region first.")

    def handle(self, *args, governments, seed, reset, **options):
        if governments < 1:
            raise CommandError("--governments must be at least 1.")
        started = clock.perf_counter()
        with transaction.atomic():
            leftovers = Initiative.objects.filter(slug=SLUG).exists() or synthetic_officials().exists()
            if leftovers and not reset:
                raise CommandError("A synthetic region exists already: use --reset to replace it.")
            if leftovers:
                delete_region()
                self.stdout.write("Deleted the previous synthetic region.")
            generator = RegionGenerator(governments, seed)
            generator.generate()
            everything_written()  # it creates rows in bulk
        elapsed = clock.perf_counter() - started
        counts = ", ".join(f"{value} {name}" for name, value in generator.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created the synthetic region “{SLUG}” in {elapsed:.1f} s: {counts}."))
        for row in initiative_figures(generator.initiative):
            self.stdout.write(f"  {row.title}: {row.figures.sentence('es')}")


def synthetic_officials():
    return Official.objects.filter(email__iendswith=f"@{EMAIL_DOMAIN}")


def delete_region():
    try:
        # Recognitions protect their initiative and their holders: those issued in a benchmark go too.
        Recognition.objects.filter(initiative__slug=SLUG).delete()
        Initiative.objects.filter(slug=SLUG).delete()
        officials = synthetic_officials()
        government_ids = list(officials.values_list("local_government", flat=True).distinct())
        officials.delete()
        LocalGovernment.objects.filter(pk__in=government_ids, officials__isnull=True).delete()
    except ProtectedError as error:
        raise CommandError(f"The synthetic region cannot be deleted: other data refers to it ({error}).") from error


class RegionGenerator:
    def __init__(self, size, seed):
        self.size = size
        self.rng = random.Random(seed)
        self.words = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
        self.countries = self.words["countries"]
        self.counts = {}
        self.objective_ids = list(Objective.objects.values_list("pk", flat=True))
        self.principle_ids = list(GuidingPrinciple.objects.values_list("pk", flat=True))
        if not self.objective_ids or not self.principle_ids:
            raise CommandError("The GCM reference data is missing: run `manage.py migrate` first.")

    def bulk(self, model, rows, label=None):
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        if label:
            self.counts[label] = self.counts.get(label, 0) + len(created)
        return created

    def generate(self):
        self.initiative = Initiative.objects.create(
            name="Región sintética (benchmark)",
            slug=SLUG,
            year=2024,
            region="América del Sur (datos sintéticos)",
            description="Datos inventados por `manage.py generate_region`, para medir el rendimiento.",
            min_workshop_sessions=2,
            attendance_threshold_percent=75,
            submissions_close_at=at("2024-11-29", "23:59"),
        )
        self.governments()
        self.officials()
        self.invitations()
        self.events()
        self.attendance()
        self.automapeos()
        self.almi()
        self.questionnaires()

    # Mapping

    def governments(self):
        codes = list(self.countries)
        weights = [self.countries[code]["weight"] for code in codes]
        # Every country appears once before the weights decide, so that small regions still span all twelve.
        chosen = codes[: self.size] + self.rng.choices(codes, weights=weights, k=max(0, self.size - len(codes)))
        used = set()
        rows = []
        for code in chosen:
            country = self.countries[code]
            lat0, lat1, lng0, lng1 = country["box"]
            region = self.rng.choice(country["regions"])
            first, second, suffix = self.words["place_names"][country["language"]]
            base = f"{self.rng.choice(first)} {self.rng.choice(second)}{self.rng.choice(suffix)}"
            name, number = base, 1
            while (code, region, name) in used:
                number += 1
                name = f"{base} {number}"
            used.add((code, region, name))
            criteria = self.rng.sample(LocalGovernment.CRITERIA, k=self.rng.choice([1, 1, 2, 2, 3]))
            rows.append(
                LocalGovernment(
                    name=name,
                    country=code,
                    region=region,
                    kind=self.rng.choices(
                        [GovernmentKind.MUNICIPALITY, GovernmentKind.METROPOLITAN, GovernmentKind.PROVINCE],
                        weights=[85, 5, 10],
                    )[0],
                    latitude=Decimal(f"{self.rng.uniform(lat0, lat1):.5f}"),
                    longitude=Decimal(f"{self.rng.uniform(lng0, lng1):.5f}"),
                    **dict.fromkeys(criteria, True),
                )
            )
        self.government_rows = self.bulk(LocalGovernment, rows, "local governments")

    def officials(self):
        genders = [Gender.FEMALE, Gender.MALE, Gender.UNDISCLOSED, Gender.OTHER]
        roles = self.words["roles"]
        role_kinds = list(roles)
        role_weights = [roles[kind]["weight"] for kind in role_kinds]
        rows = []
        for government in self.government_rows:
            country = self.countries[government.country.code]
            language = country["language"]
            for _ in range(self.rng.choices([1, 2, 3], weights=[55, 40, 5])[0]):
                gender = self.rng.choices(genders, weights=[52, 45, 2, 1])[0]
                female = gender == Gender.FEMALE or (gender != Gender.MALE and self.rng.random() < 0.5)
                first_name = self.rng.choice(self.words["first_names"][language]["female" if female else "male"])
                surnames = self.rng.sample(self.words["surnames"][language], k=1 if language == "en" else 2)
                last_name = " ".join(surnames)
                if language == "pt-br" and self.rng.random() < 0.3:
                    last_name = f"{self.rng.choice(['da', 'dos', 'de'])} {last_name}"
                role = self.rng.choices(role_kinds, weights=role_weights)[0]
                index = len(rows) + 1
                rows.append(
                    Official(
                        first_name=first_name,
                        last_name=last_name,
                        email=f"{ascii_slug(first_name)}.{ascii_slug(surnames[0])}.{index}@{EMAIL_DOMAIN}",
                        position=roles[role]["positions"][language][0 if female else 1],
                        role_kind=role,
                        gender=gender,
                        language=language,
                        time_zone=country["time_zone"],
                        local_government=government,
                    )
                )
        self.official_rows = self.bulk(Official, rows, "officials")

    def invitations(self):
        sent_at = at("2024-09-24")
        rows, self.declined = [], set()
        for official in self.official_rows:
            status = InvitationStatus.DECLINED if self.rng.random() < 0.03 else InvitationStatus.SENT
            if status == InvitationStatus.DECLINED:
                self.declined.add(official.pk)
            rows.append(Invitation(official=official, initiative=self.initiative, status=status, sent_at=sent_at))
        self.bulk(Invitation, rows, "invitations")

    # Events and attendance

    def events(self):
        launch = Event.objects.create(
            initiative=self.initiative,
            kind=EventKind.LAUNCH,
            title="Lanzamiento (sintético)",
            location="Zoom",
        )
        self.launch_session = Session.objects.create(
            event=launch,
            title="Conversatorio entre pares",
            starts_at=at("2024-10-16", "15:00"),
            ends_at=at("2024-10-16", "17:00"),
            time_zone=TIME_ZONE,
        )
        self.editions = []
        for edition, days in ((1, ("2024-11-05", "2024-11-07")), (2, ("2024-11-19", "2024-11-21"))):
            event = Event.objects.create(
                initiative=self.initiative,
                kind=EventKind.WORKSHOP,
                edition=edition,
                title=f"Taller (sintético) · Edición {edition}",
                location="Zoom",
            )
            sessions = [
                Session.objects.create(
                    event=event,
                    title=f"Sesión virtual {number}",
                    starts_at=at(day, "10:00"),
                    ends_at=at(day, "12:00"),
                    time_zone=TIME_ZONE,
                )
                for number, day in enumerate(days, start=1)
            ]
            self.editions.append((event, sessions))
        self.counts["events"] = 3
        self.counts["sessions"] = 5

    def attendance_row(self, official, session, status, source=AttendanceSource.MANUAL):
        present = status == AttendanceStatus.PRESENT
        return Attendance(
            official=official,
            session=session,
            status=status,
            # Present means at least the 75 % threshold of a two-hour session.
            seconds=self.rng.randint(90 * 60, 120 * 60) if present else self.rng.choice([None, 0, 20 * 60, 45 * 60]),
            source=source,
        )

    def attendance(self):
        rows, registrations = [], []
        self.registered, self.present_at_workshop = [], set()
        for official in self.official_rows:
            if official.pk in self.declined:
                continue
            draw = self.rng.random()
            if draw < 0.90:
                rows.append(
                    self.attendance_row(official, self.launch_session, AttendanceStatus.PRESENT, AttendanceSource.ZOOM)
                )
            elif draw < 0.95:
                rows.append(
                    self.attendance_row(official, self.launch_session, AttendanceStatus.ABSENT, AttendanceSource.ZOOM)
                )
            if self.rng.random() >= 0.68:
                continue
            event, sessions = self.rng.choice(self.editions)
            registrations.append(Registration(official=official, event=event, initiative=self.initiative))
            self.registered.append(official)
            draw = self.rng.random()
            if draw < 0.82:
                statuses = [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT]
            elif draw < 0.90:
                statuses = self.rng.sample([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT], k=2)
            else:
                statuses = [AttendanceStatus.ABSENT, AttendanceStatus.ABSENT]
            if AttendanceStatus.PRESENT in statuses:
                self.present_at_workshop.add(official.pk)
            rows.extend(
                self.attendance_row(official, session, status)
                for session, status in zip(sessions, statuses, strict=True)
            )
        self.bulk(Registration, registrations, "registrations")
        self.bulk(Attendance, rows, "attendance rows")

    # Submissions

    def link(self, through, owner_field, target_field, owners, ids, k_range):
        rows = [
            through(**{owner_field: owner.pk, target_field: target})
            for owner in owners
            for target in self.rng.sample(ids, k=self.rng.randint(*k_range))
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def automapeos(self):
        chosen = [g for g in self.government_rows if self.rng.random() < 0.25]
        automapeos = []
        for government in chosen:
            submitted = self.rng.random() < 0.7
            automapeos.append(
                Automapeo(
                    local_government=government,
                    initiative=self.initiative,
                    status=SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT,
                    submitted_at=at(f"2024-11-{self.rng.randint(8, 29):02d}", "18:00") if submitted else None,
                )
            )
        automapeos = self.bulk(Automapeo, automapeos, "Automapeos")
        actions = [
            AutomapeoAction(
                automapeo=automapeo,
                position=position,
                title=self.rng.choice(self.words["action_titles"]),
                status=self.rng.choice(ActionStatus.values),
            )
            for automapeo in automapeos
            for position in range(1, self.rng.randint(2, 4) + 1)
        ]
        actions = self.bulk(AutomapeoAction, actions, "Automapeo actions")
        self.link(
            AutomapeoAction.objectives.through,
            "automapeoaction_id",
            "objective_id",
            actions,
            self.objective_ids,
            (1, 3),
        )
        self.link(
            AutomapeoAction.principles.through,
            "automapeoaction_id",
            "guidingprinciple_id",
            actions,
            self.principle_ids,
            (1, 2),
        )

    def almi(self):
        by_government = {}
        for official in self.official_rows:
            by_government.setdefault(official.local_government_id, []).append(official)
        rows = []
        for government in self.government_rows:
            if self.rng.random() >= 0.2:
                continue
            for _ in range(self.rng.randint(1, 3)):
                kind = self.rng.choice(ContributionKind.values)
                rows.append(
                    AlmiContribution(
                        initiative=self.initiative,
                        local_government=government,
                        author=self.rng.choice(by_government[government.pk]),
                        kind=kind,
                        text=self.rng.choice(self.words["contributions"][kind]),
                    )
                )
        contributions = self.bulk(AlmiContribution, rows, "ALMI contributions")
        self.link(
            AlmiContribution.objectives.through,
            "almicontribution_id",
            "objective_id",
            contributions,
            self.objective_ids,
            (1, 2),
        )

    def questionnaires(self):
        rows = []
        for official in self.registered:
            knowledge = self.rng.randint(1, 4)
            if self.rng.random() < 0.5:
                rows.append(
                    QuestionnaireResponse(
                        official=official,
                        initiative=self.initiative,
                        kind=QuestionnaireKind.ENTRY,
                        knowledge=knowledge,
                    )
                )
            if official.pk in self.present_at_workshop and self.rng.random() < 0.6:
                rows.append(
                    QuestionnaireResponse(
                        official=official,
                        initiative=self.initiative,
                        kind=QuestionnaireKind.EXIT,
                        knowledge=min(5, knowledge + self.rng.randint(0, 2)),
                        satisfaction=self.rng.randint(3, 5),
                    )
                )
        self.bulk(QuestionnaireResponse, rows, "questionnaire responses")
