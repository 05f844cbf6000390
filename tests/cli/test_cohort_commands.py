"""rnbayes score / validate / update / simulate: the four commands end to end, and bad
input as one line with exit 2, nothing lost (no half-written or replaced file)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import rnbayes
from rnbayes.analysis.cohort import stream
from rnbayes.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cohort")
    assert main(["simulate", "--n", "1500", "--seed", "4", "--missing", "realistic",
                 "-o", str(d / "synthetic.csv")]) == 0
    df = pd.read_csv(d / "synthetic.csv")
    df.insert(0, "lesion_id", [f"L{i}" for i in range(len(df))])
    df.to_csv(d / "lesions.csv", index=False)
    return d


def lines(capsys):
    return capsys.readouterr().err.strip().splitlines()


def test_the_four_commands_work_together(files, capsys, model):
    d = files
    assert main(["score", str(d / "lesions.csv"), "-o", str(d / "scored.csv"), "--next-test",
                 "--no-progress"]) == 0
    assert "1,500 of 1,500 lesions scored" in lines(capsys)[-1]
    scored = pd.read_csv(d / "scored.csv")
    assert list(scored.columns[:3]) == ["lesion_id", "diagnosis", "p_progression"]
    ref = model.score(pd.read_csv(d / "lesions.csv"))
    pd.testing.assert_series_equal(scored["p_progression"], ref["p_progression"],
                                   check_exact=False, atol=1e-12)
    assert main(["validate", str(d / "lesions.csv"), "--outcome", "diagnosis", "--boot", "100",
                 "-o", str(d / "validation.html"), "--note", "outcome=synthetic"]) == 0
    assert "AUC" in lines(capsys)[-1]
    html = (d / "validation.html").read_text()
    assert "not a medical device" in html and "synthetic" in html
    assert f"{model.labels.node('rcbv')} " in html  # findings recorded, in people's words
    assert main(["validate", str(d / "lesions.csv"), "--outcome", "diagnosis", "--boot", "0",
                 "-o", str(d / "validation.json")]) == 0
    assert json.loads((d / "validation.json").read_text())["n"] == 1500
    assert main(["update", str(d / "lesions.csv"), "--outcome", "diagnosis", "-o",
                 str(d / "site_priors")]) == 0
    out = capsys.readouterr()
    assert "left as published" in out.out and "records updated from 1,500 lesions" in out.err
    local = rnbayes.load_model(priors=d / "site_priors")
    assert local.digest != model.digest
    assert main(["score", str(d / "lesions.csv"), "--priors", str(d / "site_priors"),
                 "-o", str(d / "rescored.csv")]) == 0


def test_bad_values_are_listed_every_good_row_scored_exit_2(files, capsys, tmp_path):
    df = pd.read_csv(files / "lesions.csv").head(50)
    df["rcbv"] = df["rcbv"].astype(object)
    df.loc[3, "rcbv"] = "very high"
    df.loc[7, "months_since_srs"] = "-4"
    df.to_csv(tmp_path / "bad.csv", index=False)
    code = main(["score", str(tmp_path / "bad.csv"), "-o", str(tmp_path / "s.csv"),
                 "--errors", str(tmp_path / "e.csv")])
    assert code == 2
    assert "48 of 50 lesions scored" in lines(capsys)[-1]
    out = pd.read_csv(tmp_path / "s.csv", keep_default_na=False)
    assert len(out) == 50 and (out["error"] != "").sum() == 2
    errors = pd.read_csv(tmp_path / "e.csv")
    assert errors[["row", "column", "value"]].values.tolist() == [[4, "rcbv", "very high"],
                                                                  [8, "months_since_srs", "-4"]]
    assert main(["score", str(tmp_path / "bad.csv")]) == 2
    err = lines(capsys)
    assert any("row 4, column 'rcbv', value 'very high'" in ln for ln in err)


@pytest.mark.parametrize("text, args, words", [
    ("", [], "the file is empty"),
    ("lesion_id,rcbv\n", [], "the table has no rows"),
    ("lesion_id,rcbv_rati\na,2.5\n", [], "unknown column 'rcbv_rati'; did you mean 'rcbv_ratio'"),
    ("lesion_id,rcbv\na,2.5\nb,1\na,3\n", [], "repeats ids: 'a' at rows 1, 3"),
    ("lesion_id;rcbv\na;2.5\n", [], "the file looks separated by semicolons"),
    ("lesion_id,rcbv,truth\na,2.5,RN\n", ["validate", "--outcome", "truth"],
     "other values at row 1 ('RN')"),
    ("lesion_id,rcbv\na,2.5\n", ["validate", "--outcome", "truth"], "outcome 'truth' is not a"),
    ("lesion_id,rcbv\na,2.5\n", ["score", "--level", "2"], "The '--level' parameter"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, text, args, words):
    f = tmp_path / "t.csv"
    f.write_text(text)
    cmd = args[:1] or ["score"]
    code = main([*cmd, str(f), *args[1:], "-o", str(tmp_path / "out.csv")])
    err = lines(capsys)
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert not (tmp_path / "out.csv").exists()


def test_nothing_is_replaced_or_half_written(files, capsys, tmp_path):
    out = tmp_path / "scored.csv"
    out.write_text("keep me")
    assert main(["score", str(files / "lesions.csv"), "-o", str(out)]) == 2
    assert "already exists" in lines(capsys)[0] and out.read_text() == "keep me"
    dup = pd.read_csv(files / "lesions.csv").head(30)
    dup.loc[25, "lesion_id"] = dup.loc[2, "lesion_id"]  # a repeat only the last chunk sees
    dup.to_csv(tmp_path / "dup.csv", index=False)
    assert main(["score", str(tmp_path / "dup.csv"), "-o", str(tmp_path / "new.csv"),
                 "--chunk-rows", "10"]) == 2
    assert "repeats ids" in lines(capsys)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dup.csv", "scored.csv"]
    (tmp_path / "priors").mkdir()
    (tmp_path / "priors" / "accuracy.yaml").write_text("mine")
    assert main(["update", str(files / "lesions.csv"), "--outcome", "diagnosis", "-o",
                 str(tmp_path / "priors")]) == 2
    assert "already holds accuracy.yaml" in lines(capsys)[0]
    assert (tmp_path / "priors" / "accuracy.yaml").read_text() == "mine"
    assert main(["score", str(files / "lesions.csv"), "-o", str(out), "--force"]) == 0
    before = (files / "lesions.csv").read_bytes()
    for args, words in ((["-o", str(files / "lesions.csv"), "--force"], "it is the cohort table"),
                        (["-o", str(out), "--errors", str(out), "--force"], "other outputs"),
                        (["-o", str(tmp_path / "a.csv"), "--errors", str(tmp_path / "a.csv")],
                         "other outputs")):
        assert main(["score", str(files / "lesions.csv"), *args]) == 2
        assert words in lines(capsys)[-1]
    assert (files / "lesions.csv").read_bytes() == before


def test_a_large_csv_is_streamed_in_chunks(files, capsys, tmp_path, monkeypatch):
    seen = []
    real = stream.iter_table

    def spy(path, chunksize):
        for chunk in real(path, chunksize=chunksize):
            seen.append(len(chunk))
            yield chunk

    monkeypatch.setattr(stream, "iter_table", spy)
    assert main(["score", str(files / "lesions.csv"), "-o", str(tmp_path / "a.csv"),
                 "--chunk-rows", "400", "--interval", "--draws", "50"]) == 0
    assert seen == [400, 400, 400, 300]
    whole = rnbayes.load_model().score(pd.read_csv(files / "lesions.csv"), interval=True,
                                       n_draws=50)
    got = pd.read_csv(tmp_path / "a.csv")
    for col in ("p_progression", "p_low", "p_high"):
        pd.testing.assert_series_equal(got[col], whole[col], check_exact=False, atol=1e-12)
    seen.clear()
    assert main(["validate", str(files / "lesions.csv"), "--outcome", "diagnosis",
                 "--chunk-rows", "700", "--boot", "0"]) == 0
    assert seen == [700, 700, 100]
    assert "Validation of predicted P(TTP) against 1,500 lesions" in capsys.readouterr().out


def test_simulate_options(tmp_path, capsys):
    assert main(["simulate", "--n", "20", "--missing", "0.5", "--hide", "rcbv",
                 "-o", str(tmp_path / "s.parquet")]) == 0
    df = pd.read_parquet(tmp_path / "s.parquet")
    assert len(df) == 20 and "rcbv" not in df.columns
    assert main(["simulate", "--n", "0"]) == 2
    assert "n must be a positive whole number" in lines(capsys)[-1]
    assert main(["simulate", "--n", "5", "--missing", "often"]) == 2
    assert "--missing must be" in lines(capsys)[-1]


def test_note_keys_of_the_help_are_the_reports_tripod_items():
    from rnbayes.cli.validate import NOTE_KEYS
    from rnbayes.report.validation import TRIPOD_ITEMS

    assert NOTE_KEYS == tuple(TRIPOD_ITEMS)
