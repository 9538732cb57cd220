"""The columns of a mapping spreadsheet: what each is called (in the three languages, and as the exports name
them), which are required, the words a cell may use for a choice, and the model field each one writes."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy

from initiative.enums import Language

from .enums import Gender, GovernmentKind, RoleKind
from .models import Invitation, LocalGovernment, Official
from .resources import InvitationResource, LocalGovernmentResource, OfficialResource
from .spreadsheets import normalise


@dataclass
class Column:
    key: str
    aliases: tuple
    required: bool = False
    max_length: int | None = None

    @property
    def label(self):
        """How the column is named to the user, in their language."""
        return str(COLUMN_LABELS.get(self.key, self.key.replace("_", " ")))


COLUMN_LABELS = {
    "name": gettext_lazy("name"),
    "country": gettext_lazy("country"),
    "region": gettext_lazy("region"),
    "kind": gettext_lazy("kind"),
    "latitude": gettext_lazy("latitude"),
    "longitude": gettext_lazy("longitude"),
    "has_local_mgi": gettext_lazy("local MGI"),
    "in_hub_repository": gettext_lazy("practice in the Hub repository"),
    "mercociudades_member": gettext_lazy("MERCOCIUDADES member"),
    "has_gcm_pledge": gettext_lazy("GCM pledge"),
    "in_mayors_mechanism": gettext_lazy("Mayors Mechanism"),
    "signed_marrakech_declaration": gettext_lazy("signed the Marrakech Mayors Declaration"),
    "public_consent": gettext_lazy("appears in public lists"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("e-mail"),
    "position": gettext_lazy("position"),
    "role_kind": gettext_lazy("kind of role"),
    "language": gettext_lazy("language"),
    "gender": gettext_lazy("gender"),
    "local_government": gettext_lazy("local government"),
    "official": gettext_lazy("official's number"),
    "initiative": gettext_lazy("initiative"),
}


LOCAL_GOVERNMENT_COLUMNS = [
    Column(
        "name",
        (
            "nombre",
            "nome",
            "name",
            "gobierno local",
            "governo local",
            "local government",
            "municipio",
            "municipality",
            "ciudad",
            "cidade",
            "city",
        ),
        required=True,
        max_length=200,
    ),
    Column("country", ("pais", "country", "codigo iso", "iso code", "iso"), required=True),
    Column(
        "region",
        ("region", "regiao", "provincia", "province", "departamento", "department", "estado", "state"),
        max_length=200,
    ),
    Column("kind", ("tipo", "kind", "type", "tipo de gobierno", "tipo de governo")),
    Column("latitude", ("latitud", "latitude", "lat")),
    Column("longitude", ("longitud", "longitude", "lon", "lng", "long")),
    Column("has_local_mgi", ("mgi local", "local mgi", "mgi", "igm local", "igm")),
    Column(
        "in_hub_repository",
        (
            "repositorio",
            "repositorio del hub",
            "repositorio do hub",
            "hub",
            "practica en el repositorio del hub",
            "pratica no repositorio do hub",
            "practice in the hub repository",
        ),
    ),
    Column(
        "mercociudades_member",
        (
            "mercociudades",
            "mercocidades",
            "miembro de mercociudades",
            "membro de mercocidades",
            "mercociudades member",
        ),
    ),
    Column(
        "has_gcm_pledge",
        (
            "compromiso pmm",
            "compromisso pmm",
            "promesa pmm",
            "gcm pledge",
            "pledge",
            "compromiso",
            "compromisso",
        ),
    ),
    Column(
        "in_mayors_mechanism",
        (
            "mecanismo de alcaldes",
            "mecanismo de prefeitos",
            "mayors mechanism",
            "mecanismo de alcaldes y alcaldesas",
        ),
    ),
    Column(
        "signed_marrakech_declaration",
        (
            "marrakech",
            "declaracion de marrakech",
            "declaracao de marrakech",
            "firmo la declaracion de marrakech",
            "assinou a declaracao de marrakech",
            "signed the marrakech mayors declaration",
        ),
    ),
    Column(
        "public_consent",
        (
            "aparece en las listas publicas",
            "aparece nas listas publicas",
            "appears in public lists",
            "listas publicas",
            "public lists",
            "consentimiento",
            "consentimento",
            "consent",
        ),
    ),
]

OFFICIAL_COLUMNS = [
    Column(
        "first_name",
        ("nombre", "nombres", "nome", "primeiro nome", "first name", "given name"),
        required=True,
        max_length=150,
    ),
    Column(
        "last_name",
        ("apellido", "apellidos", "sobrenome", "last name", "surname", "family name"),
        required=True,
        max_length=150,
    ),
    Column(
        "email",
        (
            "correo",
            "correo electronico",
            "email",
            "e mail",
            "mail",
            "endereco de e mail",
            "e mail address",
            "email address",
        ),
        required=True,
        max_length=254,
    ),
    Column("position", ("cargo", "puesto", "position", "job title", "funcao"), max_length=200),
    Column("role_kind", ("tipo de cargo", "tipo de rol", "tipo de funcao", "kind of role", "role", "rol")),
    Column("language", ("idioma", "lengua", "lingua", "language")),
    Column("gender", ("genero", "sexo", "gender")),
    Column(
        "local_government",
        (
            "gobierno local",
            "governo local",
            "local government",
            "municipio",
            "municipality",
            "municipalidad",
            "prefeitura",
            "ciudad",
            "cidade",
            "city",
        ),
        required=True,
    ),
    Column("country", ("pais", "country", "codigo iso", "iso code", "iso"), required=True),
    Column("region", ("region", "regiao", "provincia", "province", "departamento", "estado", "state")),
]

EMAIL_ALIASES = next(column.aliases for column in OFFICIAL_COLUMNS if column.key == "email")

# An invitation names its official by e-mail address or by number (the id in the admin's address of the
# official), at least one of the two.
INVITATION_COLUMNS = [
    Column("email", EMAIL_ALIASES, max_length=254),
    Column(
        "official",
        (
            "id",
            "official id",
            "numero de funcionario",
            "id de funcionario",
            "numero da autoridade",
            "id da autoridade",
            "official number",
        ),
    ),
    Column("initiative", ("iniciativa", "initiative", "cohorte", "cohort", "edicion", "edicao"), required=True),
]

CHOICES = {"kind": GovernmentKind, "role_kind": RoleKind, "language": Language, "gender": Gender}
# Words that country offices write in their sheets, besides the values and the labels in three languages.
CHOICE_ALIASES = {
    "kind": {
        "municipio": "municipality",
        "municipalidad": "municipality",
        "prefeitura": "municipality",
        "ciudad": "municipality",
        "cidade": "municipality",
        "area metropolitana": "metropolitan",
        "regiao metropolitana": "metropolitan",
        "provincia": "province",
        "departamento": "province",
        "estado": "province",
        "gobernacion": "province",
        "otro": "other",
        "outro": "other",
    },
    "role_kind": {
        "alcalde": "mayor",
        "alcaldesa": "mayor",
        "intendente": "mayor",
        "intendenta": "mayor",
        "prefeito": "mayor",
        "prefeita": "mayor",
        "gobernador": "mayor",
        "gobernadora": "mayor",
        "governador": "mayor",
        "secretario": "secretary",
        "secretaria": "secretary",
        "director": "secretary",
        "directora": "secretary",
        "diretor": "secretary",
        "diretora": "secretary",
        "tecnico": "technical",
        "tecnica": "technical",
        "concejal": "council",
        "concejala": "council",
        "vereador": "council",
        "vereadora": "council",
        "otro": "other",
        "outro": "other",
    },
    "gender": {
        "femenino": "female",
        "mujer": "female",
        "feminino": "female",
        "mulher": "female",
        "f": "female",
        "masculino": "male",
        "hombre": "male",
        "homem": "male",
        "m": "male",
        "otro": "other",
        "outro": "other",
        "prefiero no decir": "undisclosed",
        "prefiro nao dizer": "undisclosed",
    },
    "language": {
        "espanol": "es",
        "castellano": "es",
        "spanish": "es",
        "portugues": "pt-br",
        "portuguese": "pt-br",
        "pt": "pt-br",
        "pt br": "pt-br",
        "ingles": "en",
        "english": "en",
    },
}


LABELS = {
    "local_governments": (LocalGovernment, LocalGovernmentResource),
    "officials": (Official, OfficialResource),
    "invitations": (Invitation, InvitationResource),
}
# What an import writes: the model of each kind and the fields a file may set, {column key: model attribute}.
WRITES = {
    "local_governments": (
        LocalGovernment,
        {
            key: key
            for key in (
                "name",
                "country",
                "region",
                "kind",
                "latitude",
                "longitude",
                "public_consent",
                *LocalGovernment.CRITERIA,
            )
        },
    ),
    "officials": (
        Official,
        {
            **{key: key for key in ("first_name", "last_name", "email", "position", "role_kind", "language", "gender")},
            "local_government": "local_government_id",  # the checker found the government's pk
        },
    ),
}


def header_lookup(kind, columns):
    """Every way a column may be written (aliases, model verbose names, export headers, in es/pt/en)."""
    model, export_resource = LABELS[kind]
    lookup = {}
    for column in columns:
        lookup.setdefault(normalise(column.key), column.key)
        lookup.setdefault(normalise(column.key.replace("_", " ")), column.key)
    for column in columns:
        for alias in column.aliases:
            lookup.setdefault(normalise(alias), column.key)
    model_fields = {f.name for f in model._meta.get_fields()}
    for language in ("es", "pt-br", "en"):
        with translation.override(language):
            for column in columns:
                lookup.setdefault(normalise(column.label), column.key)
                if column.key in model_fields:
                    lookup.setdefault(normalise(model._meta.get_field(column.key).verbose_name), column.key)
            for name, export_field in export_resource.fields.items():
                key = name if any(c.key == name for c in columns) else None
                if key:
                    lookup.setdefault(normalise(export_field.column_name), key)
    return lookup


# Columns of the portal's own exports that no import writes, as the export fields name them: what the portal
# fills in itself (an official's account is made when they accept the invitation). A re-imported export reads
# past them, saying so, rather than calling them unused.
PORTAL_WRITTEN = {
    "local_governments": (),
    "officials": ("has_account",),
    "invitations": (
        *("first_name", "last_name", "local_government", "country"),
        *("status", "sent_at", "expires_at", "accepted_at"),
    ),
}


def portal_written_headers(kind):
    """The normalised headers, in the three languages, of the export columns an import of `kind` leaves alone."""
    _model, export_resource = LABELS[kind]
    headers = set()
    for language in ("es", "pt-br", "en"):
        with translation.override(language):
            headers.update(normalise(export_resource.fields[name].column_name) for name in PORTAL_WRITTEN[kind])
    return headers


def columns_of(kind):
    return {
        "local_governments": LOCAL_GOVERNMENT_COLUMNS,
        "officials": OFFICIAL_COLUMNS,
        "invitations": INVITATION_COLUMNS,
    }[kind]


# The example row of each import's template: the columns a person always fills, with values that import as they
# are (the other columns are left empty in the example: their words are listed on the import page).
EXAMPLE_ROWS = {
    "local_governments": {"name": "Rosario", "country": "AR", "region": "Santa Fe"},
    "officials": {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": "ana.perez@rosario.gob.ar",
        "position": "Secretaria de Derechos Humanos",
        "local_government": "Rosario",
        "country": "AR",
        "region": "Santa Fe",
    },
    "invitations": {"email": "ana.perez@rosario.gob.ar", "initiative": "ALP Sudamérica 2027"},
}


def template_table(kind):
    """(headers, example row) of the template of an import of `kind`, headers in the active language."""
    columns = columns_of(kind)
    return [c.label for c in columns], [EXAMPLE_ROWS[kind].get(c.key, "") for c in columns]
