"""Serving an export: at once, with its length, or — past the thresholds — as a job.

Every file goes out with a `Content-Length`: it is written whole before the first byte is
sent (to memory, or to disk beyond a few MiB), so a download that is cut short shows as
failed in browsers and in curl instead of ending quietly with rows missing.
"""

from __future__ import annotations

import tempfile

from django.http import FileResponse

from .exporters import Export, Size, TooLargeForARequest
from .models import ExportJob
from .services import export_job_request


def file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """`file` (rewound, seekable) as an attachment with its length. Private to the
    requester's cache: what an export holds depends on who asks."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private"
    return response


def session_key(request) -> str:
    """The visitor's session key, creating the session if needed: an anonymous visitor's
    jobs are tied to it."""
    if request.user.is_authenticated:
        return ""
    if not request.session.session_key:
        request.session.create()
    return request.session.session_key


def export_now_or_later(request, export: Export) -> FileResponse | ExportJob:
    """The file of `export` (parameters already checked) as a response, or the job that
    builds it when it is past the thresholds (EXPORT_JOB_MIN_ROWS,
    EXPORT_JOB_MIN_WORKBOOK_RECORDS)."""

    def refuse_if_large(size: Size) -> None:
        if size.needs_job(export.fmt):
            raise TooLargeForARequest(size)

    # On disk, never in memory (memory stays flat whatever the size of the file); closed by
    # the response once sent, or here if it is not sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        export.write(output, check_size=refuse_if_large, progress=None)
    except TooLargeForARequest as too_large:
        output.close()
        job, _created = export_job_request(
            export=export,
            user=request.user,
            session_key=session_key(request),
            size=too_large.size,
        )
        return job
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return file_response(output, filename=export.filename, content_type=export.content_type)
