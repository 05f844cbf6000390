"""Stage 5: case reports (HTML, Markdown, JSON) laid out from already-computed results."""

from .document import FORMATS, build_report
from .files import combined_document, write_report

__all__ = ["FORMATS", "build_report", "combined_document", "write_report"]
