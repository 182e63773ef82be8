"""Keeping a chosen photo while a form goes back and forth: the reporter's form (web/public.py) and the schouw's
spot form (web/schouw.py). A photo is sanitised when it is chosen and waits as a pending photo (reports/photos.py)
under a token in the form, so that a form refused for another reason does not lose it."""

from flask import current_app, request
from werkzeug.utils import secure_filename

from meldpunt.reports.photos import PhotoNotStored, PhotoRejected, photo_store, sanitise_photo


def keep_photo(form) -> None:
    """Sanitise a newly chosen photo at once and keep it for this form. The same file sent again (the browser still
    holds it) is recognised and not processed again; a kept photo that has gone (pruned) is forgotten.

    The form has `photo`, `photo_token`, `photo_name` and `submission_key`. With `remove_photo` the kept photo can be
    removed. With `photo_not_stored` and `without_photo`, a photo that could not be kept for lack of room holds the
    form back until the person agrees to send it without the photo; without them, that is a refusal of the photo
    like any other."""
    store = photo_store()
    asks_without_photo = hasattr(form, "photo_not_stored") and hasattr(form, "without_photo")
    if getattr(form, "remove_photo", None) is not None and form.remove_photo.data:
        form.photo_token.data = form.photo_name.data = ""
        form.remove_photo.data = False
    if asks_without_photo and form.photo_not_stored.data and form.without_photo.data:
        form.photo_token.data = form.photo_name.data = ""
        return  # agreed: the photo the browser may send again is not tried again
    upload = request.files.get("photo")
    if upload and upload.filename:
        upload.stream.seek(0)  # from the start: after the view, an error handler keeps the photo again
        raw = upload.read(current_app.config["PHOTO_MAX_BYTES"] + 1)
        token = store.pending_token(raw, form.submission_key.data)
        if not store.has_pending(token):
            try:
                clean = sanitise_photo(raw, max_bytes=current_app.config["PHOTO_MAX_BYTES"],
                                       max_pixels=current_app.config["PHOTO_MAX_PIXELS"])  # fmt: skip
                store.save_pending(clean, token)
            except PhotoNotStored as not_stored:
                form.photo.errors = [str(not_stored.message)]
                if asks_without_photo:
                    form.photo_not_stored.data, form.without_photo.data = "1", False
                return
            except PhotoRejected as rejected:
                form.photo.errors = [str(rejected.message)]
                return
        form.photo_token.data = token
        form.photo_name.data = secure_filename(upload.filename)[:80] or "foto.jpg"
        if asks_without_photo:
            form.photo_not_stored.data = ""
    elif form.photo_token.data and not store.has_pending(form.photo_token.data):
        form.photo_token.data = form.photo_name.data = ""
    elif asks_without_photo and form.photo_not_stored.data and not form.photo_token.data:
        form.photo.errors = [str(PhotoNotStored().message)]  # not agreed yet: the question stays
