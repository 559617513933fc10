"""Serving private files: only through a view that has already checked access."""

from django.http import FileResponse, Http404

from .uploads import safe_filename


def private_file_response(file_field, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """Stream a stored file with a safe download name; the content type is the one checked at upload."""
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer available.") from error
    response = FileResponse(
        handle, as_attachment=not inline, filename=safe_filename(filename), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
