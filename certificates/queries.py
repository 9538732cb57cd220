from authorities.models import Official
from authorities.queries import figures_for_officials

from .enums import RecognitionKind, RecognitionStatus
from .models import Recognition


def recognized_figures(initiative):
    """People holding a valid certificate of the initiative (and so the governments and countries they represent)."""
    recognized = Recognition.objects.filter(
        initiative=initiative, kind=RecognitionKind.PERSON, status=RecognitionStatus.ISSUED
    )
    return figures_for_officials(Official.objects.filter(pk__in=recognized.values("official")))


def has_issued_recognitions(initiative):
    return Recognition.objects.filter(initiative=initiative, status=RecognitionStatus.ISSUED).exists()
