"""Who may issue, answer, sign, judge and attach to SCARs: one answer for views, templates and services."""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth.models import QUALITY_MANAGERS, QUALITY_STAFF, SUPPLIER_MANAGERS, SUPPLIER_ROLES, User, holds
from app.lots.models import Lot, LotState
from app.rules import RuleError
from app.scars.models import Scar, ScarState, ScarStep, StepState

ISSUERS = QUALITY_STAFF  # the brand's reviewers and quality managers issue and judge SCARs
ANSWERERS = SUPPLIER_ROLES  # the supplier's people work on the steps; its managers sign them
DEADLINE_EDITORS = QUALITY_MANAGERS


def is_issuer(user: User) -> bool:
    return holds(user, ISSUERS)


def require_issuer(user: User) -> None:
    """A service's refusal of anyone else than an issuer, in words."""
    if not is_issuer(user):
        raise RuleError(_("Only the brand's reviewers and quality managers issue and judge SCARs."))


def can_raise_scar(user: User) -> bool:
    return is_issuer(user)


def can_raise_scar_for(user: User, lot: Lot) -> bool:
    """A rejected lot offers its reviewer a SCAR prefilled from it."""
    return is_issuer(user) and lot.state == LotState.REJECTED


def can_answer(user: User, step: ScarStep) -> bool:
    """The supplier works on a step while the SCAR is open and the step is neither submitted nor accepted."""
    return (
        holds(user, ANSWERERS)
        and user.supplier_id == step.supplier_id
        and step.scar.state == ScarState.OPEN
        and step.state in (StepState.OPEN, StepState.RETURNED)
    )


def can_sign_steps(user: User) -> bool:
    """A manager of the supplier signs and submits a step; an inspector saves drafts."""
    return holds(user, SUPPLIER_MANAGERS)


def can_judge_step(user: User, step: ScarStep) -> bool:
    return is_issuer(user) and step.state == StepState.SUBMITTED


def can_set_due_dates(user: User, scar: Scar) -> bool:
    return is_issuer(user) and scar.state == ScarState.OPEN


def can_edit_deadline_policy(user: User) -> bool:
    return holds(user, DEADLINE_EDITORS)


def can_attach_to_scar(user: User, scar: Scar) -> bool:
    """The supplier's people and the brand's reviewers and quality managers add evidence."""
    if user.supplier_id is not None:
        return holds(user, ANSWERERS) and user.supplier_id == scar.supplier_id
    return is_issuer(user)
