"""`rnbayes assess|tests|sensitivity --network net.xdsl case.yaml`: a network file of
another tool, analysed from the command line like the bundled model."""

import json

import numpy as np
import pytest

import rnbayes
from rnbayes.cli import main
from rnbayes.spec.formats import network_data_from_pgmpy, write_network
from tests.helpers import ROOT

CASES = ROOT / "examples" / "cases"


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory):
    return model.save(tmp_path_factory.mktemp("cli") / "rn.xdsl")


@pytest.fixture(scope="module")
def asia(bnlearn, tmp_path_factory):
    folder = tmp_path_factory.mktemp("asia")
    data = network_data_from_pgmpy(bnlearn("asia")[1], name="asia")
    data = type(data)(data.name, states=data.states, parents=data.parents,
                      cpts={n: t / t.sum(axis=0, keepdims=True) for n, t in data.cpts.items()})
    net = write_network(data, folder / "asia.net")
    case = folder / "case.yaml"
    case.write_text("evidence:\n  smoke: 'yes'\n  dysp: 'yes'\n")
    return net, case


def test_assess_on_a_saved_xdsl_gives_the_models_posterior(model, saved, capsys):
    case = CASES / "fig1b_nodular.yaml"
    assert main(["assess", "--network", str(saved), str(case), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    want = model.posterior(rnbayes.load_case(case).evidence)
    assert abs(got["p_progression"] - want.p_progression) < 1e-12


def test_assess_and_tests_on_asia_name_its_target(asia, capsys):
    net, case = asia
    assert main(["assess", "--network", str(net), "--target", "lung", str(case)]) == 0
    out = capsys.readouterr().out
    p = rnbayes.load_network(net, target="lung").posterior({"smoke": "yes", "dysp": "yes"})
    assert f"P(lung=yes) = {p.p_progression:.3f}" in out and "not a medical device" in out
    assert main(["tests", "--network", str(net), "--target", "lung", str(case), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {r["test"] for r in d["table"]} == {"asia", "tub", "bronc", "either", "xray"}
    assert all(r["cost"] == 0 for r in d["table"])


def test_sensitivity_takes_the_stated_ess(asia, capsys):
    net, case = asia
    widths = []
    for ess in ("5", "500"):
        assert main(["sensitivity", "--network", str(net), "--target", "lung", "--ess", ess,
                     "--draws", "300", str(case), "--json"]) == 0
        iv = json.loads(capsys.readouterr().out)["interval"]
        widths.append(iv["high"] - iv["low"])
    assert widths[1] < widths[0]
    assert np.isfinite(widths).all()


def test_file_options_are_one_line_errors(asia, capsys):
    net, case = asia
    assert main(["assess", "--network", str(net), str(case)]) == 2  # no target in the file
    err = capsys.readouterr().err.strip()
    assert "--target NODE" in err and "\n" not in err
    assert main(["assess", "--target", "lung", str(CASES / "fig1b_nodular.yaml")]) == 2
    assert "--target" in capsys.readouterr().err
    assert main(["assess", "--network", str(net), "--priors", "x", str(case)]) == 2
    assert "given only with a network spec YAML" in capsys.readouterr().err
