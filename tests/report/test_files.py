"""The one writer every output goes through (rnbayes._files): a failure leaves the old file
as it was and no temporary file behind; a finished file has the mode any new file gets
(0666 less the umask), not the private mode of the temporary file it was written through."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import rnbayes
from rnbayes._files import atomic_path, atomic_stream, atomic_write, file_mode


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_files_get_the_usual_mode_whatever_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        assert file_mode() == 0o640
        atomic_write(tmp_path / "a.txt", "x")
        with atomic_stream(tmp_path / "b.txt") as fh:
            fh.write("y")
        with open(tmp_path / "plain.txt", "w") as fh:
            fh.write("z")
        assert mode(tmp_path / "a.txt") == mode(tmp_path / "b.txt") == mode(tmp_path / "plain.txt")
    finally:
        os.umask(old)


def test_a_report_is_readable_like_any_new_file(tmp_path):
    ev = {"enhancement_pattern": "nodular"}
    paths = rnbayes.write_report(tmp_path / "r.md", rnbayes.posterior(ev),
                                 rnbayes.value_of_information(ev, pairs=False))
    (tmp_path / "plain").write_text("")
    assert {mode(p) for p in paths} == {mode(tmp_path / "plain")}


def test_a_failure_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("mine")
    with pytest.raises(RuntimeError), atomic_stream(target) as fh:
        fh.write("half")
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        Path(tmp).write_text("half")
        raise RuntimeError("stop")
    assert target.read_text() == "mine" and [p.name for p in tmp_path.iterdir()] == ["keep.csv"]
