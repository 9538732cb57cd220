"""The public verification of a code, and the officials' own recognitions."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from alp_portal.client import client_address
from alp_portal.roles import is_staff_member

from .credentials import CREDENTIAL_MEDIA_TYPE
from .enums import RecognitionStatus
from .forms import VerifyForm, normalize_code
from .issuer import did_document
from .models import Recognition, StatusList

logger = logging.getLogger(__name__)

# Attempts per client address and window (seconds); the cache is shared between processes in production.
VERIFY_RATE_LIMIT = getattr(settings, "CERTIFICATES_VERIFY_RATE_LIMIT", (30, 600))


def verification_allowed(request):
    """Count one look-up for the client; False when it has made too many in the window."""
    limit, window = VERIFY_RATE_LIMIT
    key = f"certificates:verify:{client_address(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def too_many(request):
    response = render(request, "certificates/verify_limited.html", status=429)
    response["Retry-After"] = str(VERIFY_RATE_LIMIT[1])
    return response


@require_GET
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


@require_GET
def verify(request, code):
    if not verification_allowed(request):
        return too_many(request)
    normalized = normalize_code(code)
    if normalized and normalized != code:
        return redirect("certificates:verify", code=normalized)
    recognition = (
        Recognition.objects.published().select_related("initiative").filter(code=normalized).first()
        if normalized
        else None
    )
    if recognition is None:
        return render(
            request,
            "certificates/verify.html",
            {"code": code, "form": VerifyForm(initial={"code": code})},
            status=404,
        )
    return render(
        request,
        "certificates/verify.html",
        {
            "code": recognition.code,
            "recognition": recognition,
            "revoked": recognition.status == RecognitionStatus.REVOKED,
            "form": VerifyForm(),
        },
    )


@login_required
def my_recognitions(request):
    recognitions = (
        Recognition.objects.for_user(request.user).valid().select_related("initiative").order_by("-issued_at", "kind")
    )
    if is_staff_member(request.user):
        # Staff reach every recognition in the admin; this page is the officials' own.
        recognitions = recognitions.filter(official__user=request.user)
    return render(request, "certificates/my_recognitions.html", {"recognitions": recognitions})


@login_required
def recognition_pdf(request, code):
    """The stored PDF, for whoever may see it: its holder, their government's officials, staff."""
    scope = Recognition.objects.for_user(request.user)
    if not is_staff_member(request.user):
        scope = scope.valid()
    recognition = get_object_or_404(scope, code=code)
    if not recognition.pdf:
        raise Http404
    try:
        handle = recognition.pdf.open("rb")
    except FileNotFoundError:
        # Recorded but gone from storage (a lost volume, a bucket emptied by hand): the reader is told in their
        # language, and whoever runs the portal finds it in the log, to restore it or issue it again.
        logger.error("The PDF %s of recognition %s is missing from storage", recognition.pdf.name, recognition.code)
        return render(request, "certificates/pdf_missing.html", {"recognition": recognition}, status=404)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{recognition.code}.pdf",
        content_type="application/pdf",
    )


# Open Badges 3.0: the issuer's DID document, the status list, a recognition's credential and its baked badge.

CREDENTIAL_CACHE_SECONDS = 3600
# Verifiers fetch the status list to learn of a revocation: short enough that they learn of it soon.
STATUS_LIST_CACHE_SECONDS = 300


def _json_ld(document, *, max_age, filename=None):
    response = JsonResponse(document, content_type=CREDENTIAL_MEDIA_TYPE, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=max_age)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def did_json(request):
    return _json_ld(did_document(), max_age=CREDENTIAL_CACHE_SECONDS)


@require_GET
def status_list(request, pk):
    found = get_object_or_404(StatusList.objects.filter(credential__isnull=False), pk=pk)
    return _json_ld(found.credential, max_age=STATUS_LIST_CACHE_SECONDS)


def _credential_or_404(request, code):
    if not verification_allowed(request):
        return None
    return get_object_or_404(
        Recognition.objects.published().filter(credential__isnull=False).only("code", "credential"), code=code
    )


@require_GET
def credential_json(request, code):
    """A recognition's credential, as issued: public by its code, like the verification page."""
    recognition = _credential_or_404(request, code)
    if recognition is None:
        return too_many(request)
    download = "download" in request.GET
    return _json_ld(
        recognition.credential,
        max_age=CREDENTIAL_CACHE_SECONDS,
        filename=f"{recognition.code}.json" if download else None,
    )


@require_GET
def credential_badge(request, code):
    """The badge image with the credential baked in."""
    from .baking import baked_png

    recognition = _credential_or_404(request, code)
    if recognition is None:
        return too_many(request)
    response = HttpResponse(baked_png(recognition.credential), content_type="image/png")
    patch_cache_control(response, public=True, max_age=CREDENTIAL_CACHE_SECONDS)
    response["Content-Disposition"] = f'attachment; filename="{recognition.code}.png"'
    return response
