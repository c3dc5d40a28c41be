"""Session photos: taken with the device camera or uploaded, and served only through the
patient's permission check."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.accounts.permissions import (
    SignedInRequest,
    clinical_staff_required,
    signed_in_required,
)
from mesoclinic.treatments.access import photo_for, session_for
from mesoclinic.treatments.domain.photos import PhotoRefused, photo_add
from mesoclinic.treatments.models import PhotoMoment, PhotoView
from mesoclinic.treatments.queries import stored_photo

# A phone's largest photo is well under this; the web server may set a lower limit.
LARGEST_UPLOAD = 25 * 1024 * 1024


class PhotoForm(forms.Form):
    view = forms.ChoiceField(choices=PhotoView.choices)
    moment = forms.ChoiceField(choices=PhotoMoment.choices, widget=forms.RadioSelect)
    photo = forms.ImageField(
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
    )

    def clean_photo(self) -> bytes:
        upload = self.cleaned_data["photo"]
        if upload.size > LARGEST_UPLOAD:
            raise forms.ValidationError("That photo is larger than 25 MB.")
        upload.seek(0)
        content: bytes = upload.read()
        return content


@clinical_staff_required
@require_POST
def photo_upload(request: SignedInRequest, session_id: int) -> HttpResponse:
    """Keep a photo of the session in one of the standard views, before or after."""
    session = session_for(request.user, session_id, purpose="session photo")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("treatments:session", session.pk)
    try:
        photo_add(
            session=session,
            view=form.cleaned_data["view"],
            moment=form.cleaned_data["moment"],
            content=form.cleaned_data["photo"],
            by=request.user,
        )
    except PhotoRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Photo kept.")
    return redirect("treatments:session", session.pk)


@signed_in_required
@require_GET
def photo_image(request: SignedInRequest, photo_id: int) -> HttpResponse:
    """The photo itself, to someone who may see its patient; audited."""
    photo = photo_for(request.user, photo_id)
    return photo_response(photo.image)


@signed_in_required
@require_GET
def photo_thumbnail(request: SignedInRequest, photo_id: int) -> HttpResponse:
    """The photo's thumbnail, under the same check as the photo."""
    photo = photo_for(request.user, photo_id)
    return photo_response(photo.thumbnail)


def photo_response(path: str) -> HttpResponse:
    """A kept photo: call only after the patient's permission check."""
    return HttpResponse(stored_photo(path), content_type="image/jpeg")
