"""Shared fixtures: the repository's policy sets and the sample case of the C tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

import verdict

ROOT = Path(__file__).resolve().parents[3]
QUALITY = ROOT / "policies" / "quality-complaints"
AMENDED = ROOT / "policies" / "examples" / "quality-complaints-amended"
HENAN = QUALITY / "examples" / "henan-tier3.json"


@pytest.fixture
def case() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(HENAN.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def policy() -> Iterator[verdict.Policy]:
    with verdict.Policy.load(QUALITY) as loaded:
        yield loaded
