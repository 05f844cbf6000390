"""Reports written to files: one case (with a Markdown report's charts as PNG files beside
it), or several cases combined into one document with a summary table first.

Files are written atomically (:mod:`rnbayes._files`: a temporary file in the same folder,
then renamed), so a failure never leaves a truncated report where a good one was.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from .._files import check_output, write_bytes
from .._params import check_choice
from .._provenance import NOTICE, timestamp
from ..results.compare import Comparison
from ..results.posterior import Posterior
from ..results.render import html_table, md_table, records
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation
from ..spec.case import Case
from .answer import summary_table
from .document import (
    FORMATS,
    Document,
    Extra,
    assemble,
    case_sections,
    json_report,
    render_html,
    render_markdown,
    section_html,
)
from .sections import Section

Item = tuple[Case | None, Posterior, ValueOfInformation, Sensitivity | None]


def format_of(path: str | Path, format: str | None, caller: str = "write_report") -> str:
    """``format``, else from the file's suffix (``.md``/``.markdown``, ``.json``), else html."""
    if format is not None:
        return check_choice(format, "format", caller, FORMATS)
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"md": "md", "markdown": "md", "json": "json"}.get(suffix, "html")


def save(path: str | Path, doc: Document) -> tuple[Path, ...]:
    """Write a document and the PNG files it links to; return the paths written."""
    path = Path(path)
    written = []
    for name, fig in doc.figures:
        target = path.with_name(name)
        write_bytes(target, fig.png())
        written.append(target)
    write_bytes(path, doc.text.encode("utf-8", errors="backslashreplace"))
    return (path, *written)


def write_report(path: str | Path, posterior: Posterior, voi: ValueOfInformation,
                 sensitivity: Sensitivity | None = None, *, case: Case | None = None,
                 format: str | None = None, extra_sections: Extra = (),
                 reference: Comparison | None = None) -> tuple[Path, ...]:
    """Write a case report (see :func:`build_report`) to ``path``.

    The format comes from ``format``, else the suffix (``.md``, ``.json``), else HTML. A
    Markdown report's charts are written beside it as PNG files named after it
    (``r.md`` -> ``r-test-values.png``, ``r-tornado.png``, ...) and linked. Files are
    written atomically.

    Returns
    -------
    tuple of Path
        The report, then any chart files.

    Examples
    --------
    >>> import rnbayes, tempfile, pathlib
    >>> ev = {"enhancement_pattern": "nodular"}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_report(pathlib.Path(d) / "r.md", rnbayes.posterior(ev),
    ...                          rnbayes.value_of_information(ev, pairs=False))
    ...     [p.name for p in paths]
    ['r.md', 'r-test-values.png']
    """
    fmt = format_of(path, format)
    if case is not None and case.path:  # never over the case file the report is about
        check_output(path, [("case file", case.path)], "write_report", "path")
    doc = assemble(posterior, voi, sensitivity, case=case, format=fmt,
                   extra_sections=extra_sections, reference=reference,
                   figure_stem=Path(path).stem)
    return save(path, doc)


def combined_document(items: Sequence[Item], *, format: str = "html",
                      figure_stem: str | None = None) -> Document:
    """Several cases in one document: a summary table, then each case's report."""
    format = check_choice(format, "format", "combined report", FORMATS)
    table = summary_table(items)
    title = f"rnbayes report: {len(items)} cases"
    if format == "json":
        return Document(json.dumps({
            "generated": timestamp(), "summary": records(table),
            "cases": [json_report(p, v, s, c, (), None) for c, p, v, s in items],
            "notice": NOTICE}, indent=2))
    per_case = [(c, case_sections(p, v, s, c, (), None)) for c, p, v, s in items]
    summary = Section("Summary", html_table(table), md_table(table), css="summary")
    if format == "md":
        text, _ = render_markdown(title, [summary], None)
        chunks, all_figs = [text], []
        for k, (c, parts) in enumerate(per_case, start=1):
            stem = None if figure_stem is None else f"{figure_stem}-{k}"
            name = c.id if c is not None else f"case {k}"
            chunk, f = render_markdown(f"Case: {name}", parts, stem)
            chunks.append(chunk)
            all_figs += f
        return Document("\n".join(chunks), tuple(all_figs))
    body = section_html(summary) + "".join(
        f"<article class='case'><h1>Case: {html.escape(c.id if c else str(k))}</h1>"
        + "".join(section_html(x) for x in parts) + "</article>"
        for k, (c, parts) in enumerate(per_case, start=1))
    return Document(render_html(title, [], body=body))
