"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs(i, capsys):
    ns: dict = {}
    for j in range(i + 1):  # later blocks may use names from earlier ones
        exec(compile(BLOCKS[j], f"README.md python block {j}", "exec"), ns)
    capsys.readouterr()
