"""The portal's own middleware: request bodies over a set size refused before anything reads
them (``body_limits``), and requests carrying a NUL character refused with a 400 (``nul``)."""

from portal.middleware.body_limits import RequestBodyLimitMiddleware, body_limit, megabytes
from portal.middleware.nul import RefuseNulMiddleware

__all__ = ["RefuseNulMiddleware", "RequestBodyLimitMiddleware", "body_limit", "megabytes"]
