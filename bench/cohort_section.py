"""The cohort section of bench/RESULTS.md (issue 12): written by ``python bench/cohort.py``
between two marker lines, and carried over when ``python bench/run.py`` rewrites the rest
of the file. Plain text only (no numpy), so run.py can use it before anything is imported."""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "<!-- cohort: written by bench/cohort.py -->", "<!-- /cohort -->"


def section_of(text: str) -> str:
    """The marked section of ``text`` (with its markers), or '' when there is none."""
    if BEGIN not in text or END not in text:
        return ""
    return text[text.index(BEGIN):text.index(END) + len(END)]


def with_section(text: str, section: str) -> str:
    """``text`` with its marked section replaced by ``section`` (appended when it has none;
    ``section`` '' leaves ``text`` as it is)."""
    if not section:
        return text
    old = section_of(text)
    if old:
        return text.replace(old, section.strip())
    return text.rstrip("\n") + "\n\n" + section.strip() + "\n"


def keep_section(path: Path, new_text: str) -> str:
    """``new_text`` for ``path`` with the cohort section the file already holds."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    return with_section(new_text, section_of(old))
