"""The compiled-model cache between processes: reused only under the same key (every file's
path and content, rnbayes' code, Python and numpy), rebuilt after an edit, harmless when
the folder is unusable or the file damaged, and the model read back answers as the built
one does."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import rnbayes
from rnbayes.analysis import model_cache
from rnbayes.analysis.model import Model, load_model

EV = {"enhancement_pattern": "nodular", "rcbv": 2.5, "haemorrhage": "present"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RNBAYES_CACHE_DIR", str(folder))
    return folder


def counting(files, value="built"):
    calls = []

    def build():
        calls.append(1)
        return {"value": value, "files": [f.read_text() for f in files]}

    return build, calls


def test_second_process_reads_what_the_first_built(cache, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    build, calls = counting([f])
    first = model_cache.load_or_build([f], build)
    second = model_cache.load_or_build([f], build)
    assert first == second and len(calls) == 1
    assert [p.name.startswith("model-") for p in cache.iterdir()] == [True]
    if hasattr(os, "getuid"):
        assert (cache.stat().st_mode & 0o077) == 0
        assert (next(cache.iterdir()).stat().st_mode & 0o077) == 0


def test_an_edited_file_is_never_served_stale(cache, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    build, calls = counting([f])
    model_cache.load_or_build([f], build)
    f.write_text("x: 2\n")  # same size, same second: only the content tells
    assert model_cache.load_or_build([f], build)["files"] == ["x: 2\n"] and len(calls) == 2
    other = tmp_path / "b.yaml"
    other.write_text("x: 2\n")  # same content elsewhere: another key (the path counts)
    model_cache.load_or_build([other], build)
    assert len(calls) == 3


def test_damaged_or_foreign_files_are_rebuilt(cache, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    build, calls = counting([f])
    model_cache.load_or_build([f], build)
    (stored,) = cache.iterdir()
    stored.write_bytes(b"not a pickle")
    assert model_cache.load_or_build([f], build)["value"] == "built" and len(calls) == 2
    stored.write_bytes(pickle.dumps(("another key", {"value": "wrong"})))
    assert model_cache.load_or_build([f], build)["value"] == "built" and len(calls) == 3


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_trusted(cache, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    build, calls = counting([f])
    model_cache.load_or_build([f], build)
    cache.chmod(0o777)
    model_cache.load_or_build([f], build)
    assert len(calls) == 2


def test_unusable_folder_or_no_cache_still_builds(tmp_path, monkeypatch):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    for setting in (str(blocker / "cache"), ""):  # below a file: cannot be created; off
        monkeypatch.setenv("RNBAYES_CACHE_DIR", setting)
        build, calls = counting([f])
        assert model_cache.load_or_build([f], build)["value"] == "built"
        assert model_cache.load_or_build([f], build)["value"] == "built" and len(calls) == 2


def test_a_cached_model_answers_as_the_built_one(cache, spec_copy, monkeypatch):
    net, priors = spec_copy
    built = load_model(net, priors)
    assert any(cache.iterdir())
    monkeypatch.setattr(Model, "build", classmethod(lambda *a, **k: pytest.fail("rebuilt")))
    rnbayes.analysis.model._MODELS.clear()  # a new process: only the disk cache is left
    read = load_model(net, priors)
    assert read is not built and read.digest == built.digest
    assert read.posterior(EV) == built.posterior(EV)
    assert read.network_path == Path(net).resolve()
