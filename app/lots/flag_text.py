"""Placeholder until the integrity sentences land."""

from typing import Any


def explain(kind: str, characteristic_name: str, params: Any) -> str:
    return kind
