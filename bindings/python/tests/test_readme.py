"""The README's usage example runs and prints what the README says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

README = Path(__file__).resolve().parents[1] / "README.md"


def usage_blocks() -> tuple[str, str]:
    """The first ```python block of the README's Usage section and the ```text block after it."""
    usage = README.read_text(encoding="utf-8").split("\n## Usage\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```.*?```text\n(.*?)```", usage, re.S)
    assert match, "the README's Usage section has a ```python example followed by a ```text block of its output"
    return match.group(1), match.group(2)


def test_the_readme_example_prints_what_the_readme_shows() -> None:
    code, expected = usage_blocks()
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
