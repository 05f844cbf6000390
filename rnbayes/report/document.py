"""A case report: one self-contained HTML (or Markdown, or JSON) document per lesion.

:func:`build_report` takes already-computed results -- a posterior, a value-of-information
analysis and optionally a sensitivity analysis of the same case on the same model -- and
lays them out; it computes nothing. The first printed page is the answer (see
:mod:`.answer`); the detail follows. HTML embeds its plots as PNG (it opens offline with
no external scripts, styles or fonts) and prints to A4 or Letter without cut columns;
Markdown links its plots as PNG files written beside it (:func:`write_report`). Every
report carries the research-use notice and a generation time (``SOURCE_DATE_EPOCH`` fixes
it, for byte-identical output).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any

from .._params import FORMATS, check_choice, fail
from .._provenance import NOTICE, generated_at, timestamp
from ..results.compare import Comparison
from ..results.posterior import Posterior
from ..results.render import jsonable, md_escape
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation
from ..spec.case import Case
from ..spec.resources import file_identity
from . import sections as sec
from .answer import answer_lines, answer_section, reference_section
from .figures import Figure
from .provenance import provenance_section

Extra = Sequence[tuple[str, str] | tuple[str, str, str]]

_PAGE = Template("""<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>\
<meta name='viewport' content='width=device-width, initial-scale=1'>\
<title>$title</title><style>$css</style></head><body><h1>$title</h1>\
<p class='notice'>$notice</p>$body<p class='notice'>$notice</p></body></html>
""")


@dataclass(frozen=True)
class Document:
    """A laid-out report: its text, and the figures a Markdown report links to with the
    file names it links them by."""

    text: str
    figures: tuple[tuple[str, Figure], ...] = ()


def css() -> str:
    return (resources.files("rnbayes.report") / "report.css").read_text(encoding="utf-8")


def generated_text() -> str:
    return generated_at().strftime("%Y-%m-%d %H:%M UTC")


def check_same_case(posterior: Posterior, others: Sequence[tuple[str, Any]]) -> None:
    """Every result must be for the posterior's model and evidence."""
    for name, other in others:
        if other is not None and (other.model_digest != posterior.model_digest
                                  or jsonable(other.evidence) != jsonable(posterior.evidence)):
            raise fail(name, "build_report", "a result for the same model and evidence as "
                       "the posterior", f"{type(other).__name__} for {dict(other.evidence)!r} "
                       f"on model {other.model_digest}")


def case_sections(posterior: Posterior, voi: ValueOfInformation,
                  sensitivity: Sensitivity | None, case: Case | None, extra_sections: Extra,
                  reference: Comparison | None) -> list[sec.Section]:
    """Every section of one case's report, the answer first."""
    generated = generated_text()
    out = [answer_section(posterior, voi, sensitivity, case, generated)]
    if reference is not None:
        out.append(reference_section(reference))
    out += [sec.findings_section(posterior), sec.contributions_section(posterior),
            *sec.tests_sections(voi), sec.decision_section(voi)]
    if sensitivity is not None:
        out.append(sec.sensitivity_section(sensitivity))
    out += [*sec.extra(extra_sections), provenance_section(posterior, voi, case, generated)]
    return out


def json_report(posterior: Posterior, voi: ValueOfInformation,
                sensitivity: Sensitivity | None, case: Case | None, extra_sections: Extra,
                reference: Comparison | None) -> dict[str, Any]:
    case_part = None if case is None else {
        "id": case.id, "notes": case.notes,
        "file": file_identity(case.path) if case.path else None}
    return {
        "generated": timestamp(), "case": case_part,
        "answer": [t for _, t in answer_lines(posterior, voi, sensitivity, case)],
        "posterior": posterior.to_dict(), "value_of_information": voi.to_dict(),
        "sources": jsonable(posterior.sources.to_dict(orient="records")),
        **({"sensitivity": sensitivity.to_dict()} if sensitivity is not None else {}),
        **({"reference": reference.to_dict()} if reference is not None else {}),
        "extra_sections": [list(x[:2]) for x in extra_sections], "notice": NOTICE,
    }


def assemble(posterior: Posterior, voi: ValueOfInformation,
             sensitivity: Sensitivity | None = None, *, case: Case | None = None,
             format: str = "html", extra_sections: Extra = (),
             reference: Comparison | None = None, figure_stem: str | None = None) -> Document:
    """The report as a :class:`Document` (see :func:`build_report`); ``figure_stem`` names
    the PNG files a Markdown report links to (``<stem>-tornado.png``)."""
    format = check_choice(format, "format", "build_report", FORMATS)
    check_same_case(posterior, [("voi", voi), ("sensitivity", sensitivity)])
    if format == "json":
        return Document(json.dumps(json_report(posterior, voi, sensitivity, case,
                                               extra_sections, reference), indent=2))
    title = f"rnbayes report: {case.id}" if case is not None else "rnbayes report"
    parts = case_sections(posterior, voi, sensitivity, case, extra_sections, reference)
    if format == "md":
        text, figs = render_markdown(title, parts, figure_stem)
        return Document(text, figs)
    return Document(render_html(title, parts))


def section_html(x: sec.Section) -> str:
    """A section as HTML, its figures drawn and embedded where their marks are."""
    cls = f" class='{x.css}'" if x.css else ""
    body = x.html
    for fig in x.figures:
        body = body.replace(sec.figure_mark(fig), sec.figure_html(fig))
    return f"<section{cls}><h2>{html.escape(x.title)}</h2><div class='tw'>{body}</div></section>"


def render_html(title: str, sections: Sequence[sec.Section], body: str | None = None) -> str:
    """A complete HTML page (``string.Template``; the title and notice escaped)."""
    return _PAGE.substitute(title=html.escape(title), css=css(), notice=html.escape(NOTICE),
                            body=body if body is not None else
                            "".join(section_html(x) for x in sections))


def render_markdown(title: str, sections: Sequence[sec.Section], figure_stem: str | None,
                    level: int = 1) -> tuple[str, tuple[tuple[str, Figure], ...]]:
    """Markdown text (every user string escaped) and the figures it links to, with their
    file names (``<figure_stem>-<figure>.png``)."""
    head = "#" * level
    parts = [f"{head} {md_escape(title)}", "", f"> {md_escape(NOTICE)}", ""]
    figures: list[tuple[str, Figure]] = []
    for x in sections:
        body = x.markdown
        for fig in x.figures:
            mark = sec.figure_mark(fig)
            if figure_stem is None:
                link = (f"_(chart: {md_escape(fig.alt)}; write the report to a file to get it "
                        "as a PNG beside it)_")
            else:
                name = f"{figure_stem}-{fig.name}.png"
                link = f"![{md_escape(fig.alt)}](<{name}>)"
                figures.append((name, fig))
            body = body.replace(mark, link)
        parts += [f"{head}# {md_escape(x.title)}", "", body, ""]
    parts += [f"> {md_escape(NOTICE)}", ""]
    return "\n".join(parts), tuple(figures)


def build_report(posterior: Posterior, voi: ValueOfInformation,
                 sensitivity: Sensitivity | None = None, *, case: Case | None = None,
                 format: str = "html", extra_sections: Extra = (),
                 reference: Comparison | None = None) -> str:
    """Lay out a case report from results already computed for one case.

    The first printed page is the answer: the case, P(TTP) with its credible interval,
    the recommendation with its threshold and the utilities assumed, the best next test
    with what each result would do, and the research-use notice. The detail follows.

    Parameters
    ----------
    posterior : Posterior
    voi : ValueOfInformation
        For the same evidence on the same model as ``posterior``.
    sensitivity : Sensitivity, optional
        Adds its section and the credible interval next to P(TTP).
    case : Case, optional
        Names the report (``case.id``) and adds the case notes.
    format : {'html', 'md', 'json'}
        Markdown links no charts here; :func:`write_report` writes them beside the file.
    extra_sections : sequence of (title, html) or (title, html, markdown)
        Appended before the provenance section (the HTML is inserted as given).
    reference : Comparison, optional
        ``model.compare([reference_case, case])``: adds how this case's answer differs
        from the reference case's.

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        An unknown format, or results from different models or evidence.

    Examples
    --------
    >>> import rnbayes
    >>> ev = {"enhancement_pattern": "thin_rim"}
    >>> case = rnbayes.Case(evidence=ev, id="x <b>")
    >>> text = build_report(rnbayes.posterior(ev), rnbayes.value_of_information(ev),
    ...                     case=case, format="md")
    >>> text.startswith("# rnbayes report: x &lt;b&gt;")
    True
    """
    return assemble(posterior, voi, sensitivity, case=case, format=format,
                    extra_sections=extra_sections, reference=reference).text
