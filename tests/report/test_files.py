"""Output written piece by piece through the one writer (rnbayes._files.replacing and
writing_text, as cohort tables are): a failure leaves the old file as it was and nothing
behind; a finished file keeps the mode of the file it replaces, and a new one gets the mode
any new file gets (0666 less the umask), not the private mode of its temporary file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rnbayes._files import replacing, write_bytes, writing_text


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_files_get_the_usual_mode_and_replaced_files_keep_theirs(tmp_path):
    old = os.umask(0o027)
    try:
        with writing_text(tmp_path / "b.txt") as fh:
            fh.write("y")
        with open(tmp_path / "plain.txt", "w") as fh:
            fh.write("z")
        assert mode(tmp_path / "b.txt") == mode(tmp_path / "plain.txt") == 0o640
        os.chmod(tmp_path / "b.txt", 0o600)
        with writing_text(tmp_path / "b.txt") as fh:
            fh.write("again")
        assert mode(tmp_path / "b.txt") == 0o600 and (tmp_path / "b.txt").read_text() == "again"
    finally:
        os.umask(old)


def test_a_failure_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("mine")
    with pytest.raises(RuntimeError), writing_text(target) as fh:
        fh.write("half")
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        Path(tmp).write_text("half")
        raise RuntimeError("stop")
    assert target.read_text() == "mine" and [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_a_symlink_is_written_through_and_unencodable_text_escaped(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with writing_text(link) as fh:
        fh.write("a,\ud83e\n")
    assert link.is_symlink() and real.read_text() == "a,\\ud83e\n"
    write_bytes(link, b"bytes")
    assert link.is_symlink() and real.read_bytes() == b"bytes"
