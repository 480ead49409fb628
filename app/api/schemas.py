"""The API's request and response models (pydantic): they validate what comes in, shape what goes
out, and are the only source of the OpenAPI document's schemas (app/api/openapi.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Inputs never carry control characters (PostgreSQL refuses NUL in text): a pattern says so in the document.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
MAX_ID = 2_147_483_647  # the database's integer
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def text(min_length: int, max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=PRINTABLE
        ),
    ]


Text = text(1, 200)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Problems ----------------------------------------------------------------------------------


class ProblemError(Model):
    pointer: str = Field(description="JSON pointer to the field at fault, e.g. /measurements/17/value")
    detail: str


class Problem(Model):
    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None


# --- Parts and revisions -----------------------------------------------------------------------


class SiteRef(Model):
    id: int
    name: str


class RevisionRef(Model):
    id: int
    standard: str = Field(description="The part number the craftsmanship standard belongs to")
    revision: str = Field(description="The revision label, e.g. R2")


class PartOut(Model):
    part_number: str
    name: str
    product_line: str
    sites: list[SiteRef]
    revision: RevisionRef | None = Field(description="The revision in force; null: none released yet")


class PartList(Model):
    items: list[PartOut]


class CharacteristicOut(Model):
    code: str
    name: str
    kind: str
    unit: str | None
    nominal: str | None
    lsl: str | None
    usl: str | None
    class_: str = Field(alias="class", serialization_alias="class")
    zone: str | None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SamplingOut(Model):
    scheme: str
    inspection_level: str
    aql: dict[str, str | None] = Field(description="AQL per defect class (critical, major, minor)")


class DefectCodeOut(Model):
    code: str
    description: str
    class_: str = Field(alias="class", serialization_alias="class")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RevisionOut(Model):
    id: int
    part_number: str
    revision: str
    state: str
    characteristics: list[CharacteristicOut]
    sampling: SamplingOut
    defect_codes: list[DefectCodeOut]


# --- Lots --------------------------------------------------------------------------------------


class LotIn(Model):
    part_number: Text
    site_id: Id
    lot_number: text(1, 40)
    lot_size: int = Field(ge=2, le=10_000_000)
    production_date: date
    inspection_date: date
    inspector_email: text(3, 254)


class MeasurementIn(Model):
    # No pattern or stripping here: a lot carries up to hundreds of thousands of these, and neither
    # field reaches the database as text (the code is looked up, the value parsed by the grid's rules).
    sample: Id
    characteristic: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    value: Annotated[str, StringConstraints(max_length=40)] | bool | int | float = Field(
        description="A decimal string (its decimals are kept as recorded), a JSON number, or for an "
        "attribute characteristic true (pass) / false (fail) or the words the grid accepts"
    )


class FindingIn(Model):
    defect_code: text(1, 20)
    zone: Literal["A", "B", "C"] | None = None
    count: int = Field(default=1, ge=1, le=1_000_000)
    sample: Id


class MeasurementsIn(Model):
    measurements: list[MeasurementIn] = Field(max_length=1_000_000)
    findings: list[FindingIn] = Field(default_factory=list, max_length=10_000)


class ClassPlanOut(Model):
    aql: str
    sample_size: int
    accept: int
    reject: int
    severity: str


class ClassResultOut(Model):
    nonconforming: int
    accept: int
    reject: int
    result: str


class CharacteristicResultOut(Model):
    n: int
    mean: float | None
    sd: float | None
    cp: float | None
    cpk: float | None


class EvaluationOut(Model):
    classes: dict[str, ClassResultOut]
    characteristics: dict[str, CharacteristicResultOut]


class FlagOut(Model):
    kind: str
    characteristic: str | None
    sentence: str


class DecisionOut(Model):
    decision: str
    decided_at: datetime | None
    reason: str | None


class LotOut(Model):
    id: int
    lot_number: str
    part_number: str
    site_id: int
    revision_id: int
    lot_size: int
    production_date: date
    inspection_date: date
    inspector_email: str
    state: str
    sample_size: int
    plan: dict[str, ClassPlanOut]
    submissions: int
    updated_at: datetime
    evaluation: EvaluationOut | None = None
    flags: list[FlagOut] = Field(default_factory=list)
    decision: DecisionOut | None = None


class LotList(Model):
    items: list[LotOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class SavedOut(Model):
    lot_id: int
    values: int
    findings: int


# --- SCARs -------------------------------------------------------------------------------------


class CommentOut(Model):
    submission: int
    decision: str
    comment: str
    decided_at: datetime | None


class StepOut(Model):
    code: str
    state: str
    due_on: date
    comments: list[CommentOut] = Field(description="The brand's decisions on the step's submissions")


class ScarOut(Model):
    id: int
    number: str
    part_number: str
    severity: str
    title: str
    problem: str
    state: str
    issued_on: date
    closed_at: datetime | None
    steps: list[StepOut] | None = Field(default=None, description="Only on GET /scars/{scar_id}")


class ScarList(Model):
    items: list[ScarOut]
    next_cursor: str | None


# --- Webhooks ----------------------------------------------------------------------------------

WebhookEvent = Literal[
    "lot.decided", "lot.returned", "scar.issued", "scar.step_decided", "scorecard.published"
]


class WebhookIn(Model):
    url: text(9, 2000)
    events: list[WebhookEvent] = Field(min_length=1)


class WebhookOut(Model):
    id: int
    url: str
    events: list[str]
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret (Standard Webhooks), shown only in this answer")


class WebhookList(Model):
    items: list[WebhookOut]


class DeliveryOut(Model):
    id: int
    message_id: str
    event: str
    state: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str


class DeliveryList(Model):
    items: list[DeliveryOut]
