"""A case report: one self-contained HTML (or Markdown, or JSON) document per lesion.

:func:`build_report` takes already-computed results -- a posterior, a value-of-information
analysis and optionally a sensitivity analysis of the same case on the same model -- and
lays them out; it computes nothing. Plots are PNGs embedded as base64, so the HTML opens
offline with no external scripts, styles or fonts. Every report carries the research-use
notice.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from string import Template

from .._params import FORMATS, check_choice, fail
from .._provenance import NOTICE
from ..results.posterior import Posterior
from ..results.render import jsonable
from ..results.sensitivity import Sensitivity
from ..results.voi import ValueOfInformation
from ..spec.case import Case
from . import sections as sec

_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ccc;
padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}th{background:#f3f3f3;text-align:left}
.notice{background:#fff4e5;border:1px solid #f0b46c;padding:.6em 1em;border-radius:4px}
.big{font-size:1.25em}.muted{color:#666;font-size:.9em}img{max-width:100%}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em}.tw{overflow-x:auto}
"""

_PAGE = Template("""<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>\
<title>$title</title><style>$css</style></head><body><h1>$title</h1>\
<p class='notice'>$notice</p>$body<p class='notice'>$notice</p></body></html>
""")


def build_report(posterior: Posterior, voi: ValueOfInformation,
                 sensitivity: Sensitivity | None = None, *, case: Case | None = None,
                 format: str = "html",
                 extra_sections: Sequence[tuple[str, str] | tuple[str, str, str]] = ()) -> str:
    """Lay out a case report from results already computed for one case.

    Parameters
    ----------
    posterior : Posterior
    voi : ValueOfInformation
        For the same evidence on the same model as ``posterior``.
    sensitivity : Sensitivity, optional
        Adds its section (its ``to_dict()`` in JSON).
    case : Case, optional
        Names the report (``case.id``) and adds the case notes.
    format : {'html', 'md', 'json'}
    extra_sections : sequence of (title, html) or (title, html, markdown)
        Appended before the provenance section (the HTML is inserted as given).

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
    >>> text.startswith("# rnbayes report: x <b>")
    True
    """
    format = check_choice(format, "format", "build_report", FORMATS)
    for name, other in (("voi", voi), ("sensitivity", sensitivity)):
        if other is not None and (other.model_digest != posterior.model_digest
                                  or jsonable(other.evidence) != jsonable(posterior.evidence)):
            raise fail(name, "build_report", "a result for the same model and evidence as "
                       "the posterior", f"{type(other).__name__} for {dict(other.evidence)!r} "
                       f"on model {other.model_digest}")
    title = f"rnbayes report: {case.id}" if case is not None else "rnbayes report"
    if format == "json":
        return json.dumps({
            "case": {"id": case.id, "notes": case.notes, "path": case.path} if case else None,
            "posterior": posterior.to_dict(), "value_of_information": voi.to_dict(),
            "sources": jsonable(posterior.sources.to_dict(orient="records")),
            **({"sensitivity": sensitivity.to_dict()} if sensitivity is not None else {}),
            "extra_sections": [list(x[:2]) for x in extra_sections], "notice": NOTICE,
        }, indent=2)
    sections = [sec.findings_section(posterior, case), *sec.posterior_sections(posterior, voi),
                *sec.tests_sections(voi), sec.decision_section(voi)]
    if sensitivity is not None:
        sections.append(sec.sensitivity_section(sensitivity))
    sections += [*sec.extra(extra_sections), sec.provenance_section(posterior, voi)]
    if format == "md":
        return render_markdown(title, sections)
    return render_html(title, sections)


def render_html(title: str, sections: Sequence[sec.Section]) -> str:
    """A complete HTML page (``string.Template``; the title and notice escaped)."""
    body = "".join(f"<section><h2>{html.escape(x.title)}</h2><div class='tw'>{x.html}</div>"
                   "</section>" for x in sections)
    return _PAGE.substitute(title=html.escape(title), css=_CSS, notice=html.escape(NOTICE),
                            body=body)


def render_markdown(title: str, sections: Sequence[sec.Section]) -> str:
    parts = [f"# {title}", "", f"> {NOTICE}", ""]
    for x in sections:
        parts += [f"## {x.title}", "", x.markdown, ""]
    return "\n".join(parts)
