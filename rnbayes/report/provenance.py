"""The last section of a report: where every number came from, and the identifiers."""

from __future__ import annotations

import pandas as pd

from ..results.posterior import Posterior
from ..results.render import html_table, md_table
from ..results.voi import ValueOfInformation
from ..spec.case import Case
from ..spec.resources import file_identity
from .sections import Section


def identifiers(post: Posterior, voi: ValueOfInformation) -> pd.DataFrame:
    """What the report's labels stand for: each finding and test with its identifier."""
    c = post.contributions
    rows = [{"shown as": lab, "identifier": f"{n} = {f}"}
            for n, f, lab in zip(c["node"], c["finding"], c.get("label", c["node"]))]
    rows += [{"shown as": t.label or t.id, "identifier": f"test {t.id} (reveals "
              f"{', '.join(t.reveals)})"} for t in voi.tests]
    rows += [{"shown as": voi.utilities.label(a), "identifier": f"action {a}"}
             for a in voi.utilities.actions]
    return pd.DataFrame(rows, columns=["shown as", "identifier"])


def provenance_section(post: Posterior, voi: ValueOfInformation, case: Case | None,
                       generated: str) -> Section:
    """Model, digest, versions, the files by name (never a machine path), the time."""
    prov = {"model": post.provenance.network, "model digest": post.provenance.digest,
            **post.provenance.versions,
            "case file": file_identity(case.path) if case is not None and case.path else "",
            "test catalogue": voi.catalog_file,
            "utilities": f"{voi.utilities.describe()}: {voi.utilities.source}",
            "labels": post.labels.file or "(identifiers as words)",
            "generated": generated}
    pv = pd.DataFrame([{"item": k, "value": v} for k, v in prov.items() if v])
    src, ids = post.sources, identifiers(post, voi)
    html = (html_table(pv)
            + f"<details><summary>Sources of the priors ({len(src)} records)</summary>"
            + html_table(src) + "</details>"
            + "<details><summary>Identifiers behind the labels</summary>"
            + html_table(ids) + "</details>")
    md = (md_table(pv) + "\n\n### Sources of the priors\n\n" + md_table(src)
          + "\n\n### Identifiers behind the labels\n\n" + md_table(ids))
    return Section("Provenance", html, md)
