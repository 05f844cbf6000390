"""The README's Python examples run as written (in order, each once: later blocks use
names from earlier ones)."""

import re
import traceback
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def outcomes():
    """Run every block in one namespace; a block's failure is recorded, not raised."""
    ns: dict = {}
    out = []
    for j, block in enumerate(BLOCKS):
        try:
            exec(compile(block, f"README.md python block {j}", "exec"), ns)
            out.append(None)
        except Exception:
            out.append(traceback.format_exc())
    return out


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_readme_block_runs(i, outcomes):
    assert outcomes[i] is None, outcomes[i]
