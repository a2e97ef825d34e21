"""What the server log says about a refused request: one line, never a traceback.

Django logs a PermissionDenied, a bad request or a suspicious one (a host not in ALLOWED_HOSTS) with the
exception's traceback: one probe of the site wrote 1,311 tracebacks for ordinary 403s, burying the errors that
matter. A refusal is the app working; its line (status, path) is enough. Errors (5xx) keep their traceback.
"""

import logging


class RefusalsOnOneLine(logging.Filter):
    """On the log handler: a 4xx answer's record loses its traceback (so every handler after it sees one line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
