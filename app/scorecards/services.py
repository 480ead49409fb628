"""Scorecard operations: the rules in force, yearly targets, live drafts, and publishing a period."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.models import User
from app.clock import utcnow
from app.events import emit
from app.extensions import db
from app.quality import scoring
from app.quality.scoring import Kpi, Rule
from app.rules import RuleError
from app.scorecards import cards, policy, snapshots
from app.scorecards.models import KpiRule, Publication, Scorecard, SupplierTarget
from app.scorecards.periods import Period
from app.suppliers.models import Supplier


def _check_quality_manager(user: User, allowed: Callable[[User], bool]) -> None:
    if not allowed(user):
        raise RuleError(_("Only a quality manager changes scoring rules, targets and publications."))


# --- Rules -------------------------------------------------------------------------------------


def rules_in_force() -> dict[Kpi, Rule]:
    """The weights and thresholds a quality manager set, with the defaults for any not set."""
    stored = {row.kpi: row for row in db.session.scalars(select(KpiRule))}
    rules = dict(scoring.DEFAULT_RULES)
    for kpi in Kpi:
        if row := stored.get(kpi.value):
            rules[kpi] = Rule(weight=row.weight, full_at=row.full_at, zero_at=row.zero_at)
    return rules


def _rule_dict(rules: Mapping[Kpi, Rule]) -> dict[str, Any]:
    return {
        kpi.value: {"weight": r.weight, "full_at": r.full_at, "zero_at": r.zero_at}
        for kpi, r in rules.items()
    }


def set_rules(rules: Mapping[Kpi, Rule], by: User) -> None:
    """Change the weights and thresholds; published cards keep the rules they were frozen with."""
    _check_quality_manager(by, policy.can_edit_scoring_rules)
    for kpi, problem in scoring.rule_problems(rules):
        if problem == "weights_total":
            total = sum(rule.weight for rule in rules.values())
            raise RuleError(
                _("The weights add up to %(total)s; they must add up to 100.", total=total), "weights"
            )
        if problem == "missing":
            raise RuleError(_("Give a weight and both thresholds for every KPI."), f"{kpi}_weight")
        if problem == "equal_thresholds":
            raise RuleError(_("Full and zero points need different thresholds."), f"{kpi}_full_at")
        raise RuleError(_("A weight cannot be negative."), f"{kpi}_weight")
    before = rules_in_force()
    if before == dict(rules):
        return
    stored = {row.kpi: row for row in db.session.scalars(select(KpiRule))}
    for kpi, rule in rules.items():
        row = stored.get(kpi.value) or KpiRule(kpi=kpi.value)
        row.weight, row.full_at, row.zero_at = rule.weight, rule.full_at, rule.zero_at
        db.session.add(row)
    db.session.flush()
    record(
        "scorecard.rules_changed", None, before=_rule_dict(before), after=_rule_dict(rules), actor_id=by.id
    )


# --- Targets -----------------------------------------------------------------------------------


def targets_of(supplier_id: int, year: int) -> dict[Kpi, float]:
    return cards.targets_of([supplier_id], year).get(supplier_id, {})


def set_targets(supplier: Supplier, year: int, targets: Mapping[Kpi, float | None], by: User) -> None:
    """Set a supplier's targets for a year (None clears one); audited on the supplier."""
    _check_quality_manager(by, policy.can_edit_targets)
    for kpi, value in targets.items():
        if value is not None and value < 0:
            raise RuleError(_("A target cannot be negative."), kpi.value)
    stored = {
        row.kpi: row
        for row in db.session.scalars(
            select(SupplierTarget).where(
                SupplierTarget.supplier_id == supplier.id, SupplierTarget.year == year
            )
        )
    }
    before = {kpi: row.value for kpi, row in stored.items()}
    for kpi, value in targets.items():
        row = stored.get(kpi.value)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(SupplierTarget(supplier_id=supplier.id, year=year, kpi=kpi.value, value=value))
        elif value is not None and row is not None:
            row.value = value
    db.session.flush()
    after = {kpi.value: value for kpi, value in targets_of(supplier.id, year).items()}
    if after != before:
        record(
            "scorecard.targets_changed",
            supplier,
            before={"year": year, **before},
            after={"year": year, **after},
            actor_id=by.id,
        )


# --- Drafts and publications -------------------------------------------------------------------


def drafts(
    period: Period, supplier_ids: list[int] | None = None, now: datetime | None = None
) -> dict[int, dict[str, Any]]:
    """Live cards under the rules in force: from the KPI snapshots that are current (the rest counted
    now and kept), or, for a given moment `now`, counted at that moment."""
    if now is not None:
        return cards.build(period, now, rules_in_force(), supplier_ids)
    suppliers = cards.suppliers_of(supplier_ids)
    recent = period.recent(cards.TREND_PERIODS)
    found = snapshots.kept(recent, [supplier.id for supplier in suppliers], utcnow())
    return cards.assemble(period, suppliers, found, rules_in_force())


def latest_publication(period: Period) -> Publication | None:
    return db.session.scalars(
        select(Publication)
        .where(Publication.period == period.key)
        .order_by(Publication.version.desc())
        .limit(1)
    ).first()


def publications_of(period: Period) -> list[Publication]:
    return list(
        db.session.scalars(
            select(Publication).where(Publication.period == period.key).order_by(Publication.version.desc())
        )
    )


REASON_LENGTH = 500  # Publication.early_reason


def publishes_early(period: Period, now: datetime | None = None) -> bool:
    """True while the period is running: publishing now needs an explicit "publish early" and a reason."""
    return not period.is_over(now or utcnow())


def publish(
    period: Period,
    by: User,
    note: str = "",
    now: datetime | None = None,
    early_reason: str | None = None,
) -> Publication:
    """Freeze every supplier's card for the period as a new version; suppliers' people are told.

    Before the period ends the publisher must ask to publish early (`early_reason` not None) and say
    why; the reason is kept on the publication and in the audit trail."""
    _check_quality_manager(by, policy.can_publish)
    now = now or utcnow()
    if not period.has_started(now):
        raise RuleError(_("%(period)s has not started yet; there is nothing to publish.", period=period.key))
    reason = ""
    if publishes_early(period, now):
        if early_reason is None:
            raise RuleError(
                _(
                    "%(period)s has not ended. To publish it now, choose “Publish early” and say why.",
                    period=period.key,
                ),
                "early",
            )
        reason = early_reason.strip()
        if not reason:
            raise RuleError(_("Give the reason for publishing before the period ends."), "early_reason")
        if len(reason) > REASON_LENGTH:
            raise RuleError(
                _("The reason can be at most %(max)d characters.", max=REASON_LENGTH), "early_reason"
            )
    version = (
        db.session.scalar(select(func.max(Publication.version)).where(Publication.period == period.key)) or 0
    ) + 1
    publication = Publication(
        period=period.key,
        version=version,
        as_of=period.as_of(now),
        published_at=now,
        published_by_id=by.id,
        published_by_name=by.name,
        note=note.strip(),
        early_reason=reason,
    )
    db.session.add(publication)
    db.session.flush()
    numbers = cards.build(period, now, rules_in_force())
    for supplier_id, card in numbers.items():
        card["version"] = version
        db.session.add(
            Scorecard(
                publication_id=publication.id,
                supplier_id=supplier_id,
                numbers=card,
                digest=cards.digest(card),
                score=card["score"],
                grade=card["grade"],
            )
        )
    db.session.flush()
    record(
        "scorecard.published",
        publication,
        after={
            "period": period.key,
            "version": version,
            "as_of": publication.as_of.isoformat(),
            "cards": len(numbers),
            **({"early_reason": reason} if reason else {}),
        },
        actor_id=by.id,
    )
    emit("scorecard.published", publication=publication, numbers=numbers)
    return publication


def published_card(period: Period, supplier_id: int, version: int | None = None) -> Scorecard | None:
    """The supplier's card in the period's latest publication (or the given version)."""
    query = (
        select(Scorecard)
        .join(Publication, Publication.id == Scorecard.publication_id)
        .where(Publication.period == period.key, Scorecard.supplier_id == supplier_id)
    )
    if version is not None:
        query = query.where(Publication.version == version)
    return db.session.scalars(query.order_by(Publication.version.desc()).limit(1)).first()


def published_cards(publication: Publication) -> list[Scorecard]:
    return list(
        db.session.scalars(
            select(Scorecard).where(Scorecard.publication_id == publication.id).order_by(Scorecard.id)
        )
    )


def published_periods_of(supplier_id: int) -> list[tuple[Period, int, datetime, float | None, str | None]]:
    """(period, latest version, published at, score, grade) of a supplier's published cards, newest first."""
    latest = (
        select(Publication.period, func.max(Publication.version).label("version"))
        .join(Scorecard, Scorecard.publication_id == Publication.id)
        .where(Scorecard.supplier_id == supplier_id)
        .group_by(Publication.period)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Publication.period,
            Publication.version,
            Publication.published_at,
            Scorecard.score,
            Scorecard.grade,
        )
        .join(latest, (latest.c.period == Publication.period) & (latest.c.version == Publication.version))
        .join(Scorecard, Scorecard.publication_id == Publication.id)
        .where(Scorecard.supplier_id == supplier_id)
    )
    found = [(Period.parse(key), version, at, score, grade) for key, version, at, score, grade in rows]
    cards = [(period, *rest) for period, *rest in found if period is not None]
    return sorted(cards, key=lambda card: (card[0].end, card[0].months), reverse=True)  # type: ignore[return-value]


def latest_publications(periods: list[str]) -> dict[str, Publication]:
    """The latest publication of each of these periods that has one (one query)."""
    found: dict[str, Publication] = {}
    for publication in db.session.scalars(
        select(Publication).where(Publication.period.in_(periods)).order_by(Publication.version)
    ):
        found[publication.period] = publication
    return found
