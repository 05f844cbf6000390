"""The exact one-way function against brute force (rebuild the table, query again)."""

import numpy as np
import pytest

from rnbayes.engine.oneway import covary, one_way


def _brute(net, node, entry, theta, target, state, ev):
    return net.with_cpts({node: covary(net.cpts[node], entry, theta)}).query([target], ev)[0][state]


@pytest.mark.parametrize("entry", [(1, 0), (0, 1), (2, 1)])
def test_one_way_matches_brute_force_default(model, entry):
    ev = model.engine_evidence(model.findings({"enhancement_pattern": "nodular", "rcbv": 2.5,
                                               "cut_pepper": "absent"}))
    f = one_way(model.network, "diagnosis", 1, ev, "enhancement_pattern", entry)
    for theta in (0.0, 0.05, 0.33, 0.7, 0.999):
        brute = _brute(model.network, "enhancement_pattern", entry, theta, "diagnosis", 1, ev)
        assert abs(float(f(theta)) - brute) < 1e-9


def test_one_way_matches_brute_force_alarm(bnlearn):
    net, _ = bnlearn("alarm")
    ev, node, entry = {"HR": 2, "BP": 0}, "STROKEVOLUME", (0, 1, 0)
    f = one_way(net, "LVFAILURE", 0, ev, node, entry)
    for theta in (0.01, 0.2, 0.5, 0.9):
        assert abs(float(f(theta)) - _brute(net, node, entry, theta, "LVFAILURE", 0, ev)) < 1e-9


def test_solve_inverts_the_function(model):
    f = one_way(model.network, "diagnosis", 1, {"rcbv": 0}, "enhancement_pattern", (0, 1))
    for p in (0.2, 0.4, 0.6):
        theta = f.solve(p)
        if theta is not None:
            assert abs(float(f(theta)) - p) < 1e-12


def test_covary_keeps_columns_distributions():
    t = np.array([[0.2, 0.5], [0.3, 0.5], [0.5, 0.0]])
    out = covary(t, (0, 0), np.array([0.0, 0.6, 0.95]))
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_allclose(out[:, :, 1], np.broadcast_to(t[:, 1], (3, 3)))
    with pytest.raises(ValueError, match="is 1"):
        covary(np.array([[1.0], [0.0]]), (0, 0), 0.5)
