"""Links to many records of one kind on a page, built with one `url_for` instead of one a row.

A list page links each of its 50 rows to the row's record; `url_for` matches the endpoint's rule
and encodes every argument each time (a tenth of the review queue's rendering). `id_link` builds
the URL once, with a placeholder for the id, and writes each row's id into it."""

from __future__ import annotations

from flask import Flask, url_for

# An id no table reaches, standing for "the row's id" in the URLs built.
_PLACEHOLDER = 2_147_483_599


class IdLink:
    """`url_for(endpoint, <name>=id, **values)` for any integer id: `link(id)`, or `link(id, **more)`
    for arguments that take a few values (one URL is built for each set of them met)."""

    def __init__(self, endpoint: str, name: str, values: dict[str, object]) -> None:
        self.endpoint, self.name, self.values = endpoint, name, values
        self._parts: dict[tuple[tuple[str, object], ...], tuple[str, str]] = {}

    def __call__(self, ident: int, **more: object) -> str:
        key = tuple(more.items())
        parts = self._parts.get(key)
        if parts is None:
            parts = self._parts[key] = self._split(more)
        return f"{parts[0]}{int(ident)}{parts[1]}"

    def _split(self, more: dict[str, object]) -> tuple[str, str]:
        url = url_for(self.endpoint, **self.values, **more, **{self.name: _PLACEHOLDER})
        head, found, tail = url.partition(str(_PLACEHOLDER))
        if not found or str(_PLACEHOLDER) in tail:
            raise ValueError(f"{self.endpoint}'s URL does not hold {self.name} once: {url}")
        return head, tail


def id_link(endpoint: str, name: str, **values: object) -> IdLink:
    """The links to `endpoint` for many ids (a template global: one per page and kind of link)."""
    return IdLink(endpoint, name, values)


def register(app: Flask) -> None:
    app.jinja_env.globals["id_link"] = id_link
