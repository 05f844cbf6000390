"""``rnbayes sensitivity CASE.yaml``: how much the answer depends on the published figures."""

from __future__ import annotations

import argparse
import base64
import html
import io
from collections.abc import Mapping
from typing import Any

from ._case import load_case
from ._cli_assess import add_model_options, emit
from ._decision import load_utilities
from ._errors import EvidenceError
from ._model import load_model


def register(sub) -> None:
    p = sub.add_parser("sensitivity", help="uncertainty and sensitivity of a case's P(TTP)",
                       description="Credible interval of P(TTP) from parameter uncertainty, "
                                   "tornado, flip points, prior curve and test-ranking "
                                   "robustness for a case file.")
    p.add_argument("case", help="case YAML with an 'evidence:' mapping")
    p.add_argument("--draws", type=int, default=10_000, help="parameter draws (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--utilities", help="utilities YAML (default: bundled priors/utilities.yaml)")
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ._sensitivity import sensitivity

    if args.draws < 2:
        raise EvidenceError(f"--draws must be at least 2; got {args.draws}")
    case = load_case(args.case)
    model = load_model(args.network, args.priors)
    utilities = load_utilities(args.utilities) if args.utilities else None
    sens = sensitivity(model, case.evidence, n_draws=args.draws, seed=args.seed,
                       utilities=utilities, progress=not args.no_progress)
    emit(case, sens, as_json=args.json)
    return 0


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def report_section(model, case_evidence: Mapping[str, Any] | None, *, n_draws: int = 10_000,
                   seed: int = 0, utilities=None, sens=None, heading: bool = True) -> str:
    """HTML fragment: the sensitivity section of the report (text escaped, plots as PNG).

    Examples
    --------
    >>> import rnbayes
    >>> frag = report_section(rnbayes.load_model(), {"enhancement_pattern": "thin_rim"},
    ...                       n_draws=200)
    >>> frag.startswith("<section") and "data:image/png;base64," in frag
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ._sensitivity import sensitivity
    from ._sensitivity_plots import plot_posterior_interval, plot_prior_curve, plot_tornado

    if sens is None:
        sens = sensitivity(model, case_evidence, n_draws=n_draws, seed=seed,
                           utilities=utilities, progress=False)
    imgs = []
    for fn in (plot_posterior_interval, plot_tornado, plot_prior_curve):
        ax = fn(sens)
        imgs.append(f"<img alt='{fn.__name__}' src='data:image/png;base64,{_png(ax.figure)}'/>")
        plt.close(ax.figure)
    esc = html.escape
    voi = "".join(
        f"<tr><td>{esc(r.test)}</td><td>{r.mi_point:.3f}</td><td>{r.mi_low:.3f}&ndash;"
        f"{r.mi_high:.3f}</td><td>{r.p_best:.1%}</td></tr>"
        for r in sens.voi_intervals.itertuples()) if not sens.voi_intervals.empty else ""
    voi_table = ("<h3>Is the test ranking robust?</h3><table><thead><tr><th>test</th>"
                 "<th>mutual information (bits)</th><th>95% interval</th><th>ranked first</th>"
                 f"</tr></thead><tbody>{voi}</tbody></table>") if voi else ""
    title = "<h2>Sensitivity to the published figures</h2>" if heading else ""
    return ("<section class='rnbayes-sensitivity-section'>"
            f"{title}{sens._repr_html_()}{imgs[0]}{imgs[1]}"
            f"<h3>Prior curve</h3><p>{esc(_prior_text(sens))}</p>{imgs[2]}{voi_table}"
            "</section>")


def _prior_text(sens) -> str:
    parts = [f"The imaging findings carry a likelihood ratio of {sens.likelihood_ratio:.3g} for "
             f"tumour progression; the clinical context gives a prior of {sens.prior_case:.3f}."]
    for t in sens.prior_thresholds:
        parts.append(f"The recommendation moves from {t['below']} to {t['above']} at a prior "
                     f"of {t['prior_progression']:.3f}.")
    return " ".join(parts)
