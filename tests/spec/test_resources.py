"""Bundled data is found in a wheel (``rnbayes/_data``) and in a source checkout."""

from rnbayes.spec import resources


def test_the_wheel_layout_is_preferred(tmp_path, monkeypatch):
    pkg = tmp_path / "site" / "rnbayes"
    (pkg / "_data" / "priors").mkdir(parents=True)
    (tmp_path / "site" / "priors").mkdir()
    monkeypatch.setattr(resources, "_PACKAGE", pkg)
    assert resources.data_dir("priors") == pkg / "_data" / "priors"


def test_a_checkout_keeps_the_data_beside_the_package(tmp_path, monkeypatch):
    pkg = tmp_path / "repo" / "rnbayes"
    pkg.mkdir(parents=True)
    (tmp_path / "repo" / "networks").mkdir()
    monkeypatch.setattr(resources, "_PACKAGE", pkg)
    assert resources.data_dir("networks") == tmp_path / "repo" / "networks"
    try:
        resources.data_dir("priors")
    except FileNotFoundError as exc:
        assert "reinstall rnbayes" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a missing data folder must be reported")
