"""Reading a request body into its model and writing a model as the response; refusals as problems."""

from __future__ import annotations

from typing import TypeVar

from flask import Response, json, request
from pydantic import BaseModel, ValidationError

from app.api.problems import problem
from app.lots.entry import EntryError
from app.rules import RuleError

M = TypeVar("M", bound=BaseModel)


class ProblemError(Exception):
    """Ends an API view with a problem response (the request's changes are rolled back)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def body(model: type[M]) -> M:
    """The JSON body as `model`, or a 422 listing every error with its JSON pointer."""
    data = request.get_json(silent=True)
    if data is None:
        raise ProblemError(problem(422, "The body must be a JSON object (Content-Type: application/json)."))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = [{"pointer": pointer(e["loc"]), "detail": e["msg"]} for e in error.errors(include_url=False)]
        raise ProblemError(problem(422, f"{len(errors)} field(s) are invalid.", errors)) from None


def send(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        json.dumps(model.model_dump(mode="json", by_alias=True)), status, mimetype="application/json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# Form field names of the services' RuleErrors, as the API's body names them.
FIELD_POINTERS = {
    "site_part": "/part_number",
    "inspector_id": "/inspector_email",
    "lot_number": "/lot_number",
    "lot_size": "/lot_size",
    "production_date": "/production_date",
    "inspection_date": "/inspection_date",
    "url": "/url",
    "events": "/events",
}


def refused(error: RuleError, status: int = 422) -> ProblemError:
    """A service's refusal as a problem: the field at fault as a pointer when it names one."""
    where = FIELD_POINTERS.get(error.field or "")
    errors = [{"pointer": where, "detail": str(error)}] if where else None
    return ProblemError(problem(status, str(error), errors))


def entry_problems(errors: list[EntryError], detail: str) -> ProblemError:
    """Every error of inspection data: a value's `row` is its index in `measurements`, a finding's
    (which has no sample of its own in the error) its position in `findings`, from 1."""
    listed = []
    for e in errors:
        if e.row is not None and e.sample is None:
            where = f"/findings/{e.row - 1}"
        elif e.row is not None:
            where = f"/measurements/{e.row}/value"
        else:
            where = "/measurements"
        message = e.message if e.row is not None or e.sample is None else f"{e.where()}: {e.message}"
        listed.append({"pointer": where, "detail": message})
    return ProblemError(problem(422, detail, listed))
