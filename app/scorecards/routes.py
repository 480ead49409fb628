"""Scorecard pages: periods, the ranking and publishing, a supplier's card and its PDF, the lists
behind its figures, the scoring rules and a supplier's yearly targets."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.queries import events_with_action
from app.clock import utcnow
from app.forms import show_rule_error
from app.quality.scoring import GROUPS, Kpi
from app.rules import RuleError
from app.scorecards import charts, drilldown, files, notices, pages, policy, ranking, report, services, texts
from app.scorecards.forms import PublishForm, RulesForm, TargetsForm, rule_fields
from app.scorecards.periods import MONTH, QUARTER, Period
from app.security import ANY_ROLE, INTERNAL, form_view, roles_required
from app.suppliers.models import Supplier
from app.tenancy import get_or_404

bp = Blueprint("scorecards", __name__)

RECENT_MONTHS = 12
RECENT_QUARTERS = 4
WORDS = {
    "kpi_labels": texts.KPI_LABELS,
    "formulas": texts.FORMULAS,
    "group_labels": texts.GROUP_LABELS,
    "kpi_value": texts.kpi_value,
    "period_label": texts.period_label,
    "scoring_rule": texts.SCORING_RULE,
    "groups": GROUPS,
}


@bp.route("/scorecards")
@roles_required(ANY_ROLE)
def index():
    """Internal users: the recent months and quarters with their publications. Suppliers: their
    published cards."""
    if not current_user.is_internal:
        cards = services.published_periods_of(current_user.supplier_id)
        return render_template("scorecards/supplier_index.html", cards=cards, **WORDS)
    today = utcnow().date()
    months = Period.containing(today, MONTH).recent(RECENT_MONTHS)[::-1]
    quarters = Period.containing(today, QUARTER).recent(RECENT_QUARTERS)[::-1]
    latest = services.latest_publications([p.key for p in (*months, *quarters)])
    return render_template("scorecards/index.html", months=months, quarters=quarters, latest=latest, **WORDS)


@bp.route("/scorecards/<period_key>")
@roles_required(INTERNAL)
def period(period_key: str):
    """Every supplier ranked for the period: as last published (or `?version=N`), or the live
    draft (`?draft=1`, and until the period is first published)."""
    shown = pages.period_of(period_key)
    publications = services.publications_of(shown)
    publication = pages.shown_publication(shown, publications)
    now = utcnow()
    standings = ranking.published(publication) if publication else ranking.live(shown, now)
    return render_template(
        "scorecards/period.html",
        period=shown,
        standings=standings,
        publication=publication,
        publications=publications,
        as_of=publication.as_of if publication else shown.as_of(now),
        running=not shown.is_over(now),
        **WORDS,
    )


@bp.route("/scorecards/<period_key>/publish")
@roles_required(policy.PUBLISHERS)
def confirm_publish(period_key: str):
    """What publishing does and who will be told, before the quality manager confirms."""
    return _publish_page(pages.period_of(period_key), PublishForm(formdata=None))


@bp.route("/scorecards/<period_key>/publish", methods=["POST"])
@roles_required(policy.PUBLISHERS)
@form_view
def publish(period_key: str):
    """Freeze every supplier's card for the period as a new version, once confirmed."""
    shown = pages.period_of(period_key)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publication = services.publish(
                shown, current_user, note=form.note.data or "", early_reason=form.early_request()
            )
        except RuleError as error:
            show_rule_error(form, error)
        else:
            label, version = texts.period_label(shown), publication.version
            flash(_("%(period)s published as version %(version)s.", period=label, version=version), "success")
            return redirect(url_for("scorecards.period", period_key=shown.key, version=version))
    return _publish_page(shown, form, 422)


def _publish_page(shown: Period, form: PublishForm, status: int = 200):  # type: ignore[no-untyped-def]
    latest = services.latest_publication(shown)
    return render_template(
        "scorecards/publish.html",
        period=shown,
        form=form,
        version=(latest.version if latest else 0) + 1,
        early=services.publishes_early(shown),
        audience=notices.audience(),
        **WORDS,
    ), status


@bp.route("/scorecards/<period_key>/suppliers/<int:supplier_id>")
@roles_required(ANY_ROLE)
def card(period_key: str, supplier_id: int):
    """A supplier's card: KPIs against targets, score and grade, trend, Pareto, lists, formulas."""
    shown = pages.shown_card(period_key, supplier_id)
    standing = None
    if policy.sees_drafts(current_user):
        standings = (
            ranking.published(shown.publication)
            if shown.publication
            else ranking.live(shown.period, utcnow())
        )
        standing = ranking.rank_of(standings, supplier_id), len(standings)
    return render_template(
        "scorecards/card.html",
        shown=shown,
        card=shown.card,
        standing=standing,
        versions=services.publications_of(shown.period) if policy.sees_drafts(current_user) else [],
        trend_chart=charts.trend_chart(shown.card),
        pareto_chart=charts.pareto_chart(shown.card),
        drill_down=texts.DRILL_DOWN,
        **WORDS,
    )


@bp.route("/scorecards/<period_key>/suppliers/<int:supplier_id>/card.pdf")
@roles_required(ANY_ROLE)
def card_pdf(period_key: str, supplier_id: int):
    """The card as an A4 PDF, from the same numbers as the page."""
    shown = pages.shown_card(period_key, supplier_id)
    suffix = f"v{shown.version}" if shown.version else "draft"
    name = f"{shown.supplier.code}-{shown.period.key}-{suffix}.pdf"
    printed = files.stored(shown.card, shown.version) if str(get_locale()) == files.PRINTED_LANGUAGE else None
    if printed is not None:  # a published version, printed once by the worker or the CLI, in English
        return send_file(printed, mimetype="application/pdf", as_attachment=True, download_name=name)
    body = report.render(shown.card, shown.digest, shown.version, utcnow())
    return Response(
        body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _list_args(shown: pages.Shown) -> dict[str, Any]:
    return {"period_key": shown.period.key, "supplier_id": shown.supplier.id, **shown.args()}


@bp.route("/scorecards/<period_key>/suppliers/<int:supplier_id>/lots")
@roles_required(ANY_ROLE)
def lots(period_key: str, supplier_id: int):
    """The lots behind LAR, PPM, first pass, rejected quantity and capability, with their totals."""
    shown = pages.shown_card(period_key, supplier_id, numbers=False)
    try:
        which = drilldown.LotList(request.args.get("list", drilldown.LotList.DECIDED))
    except ValueError:
        abort(404)
    lines = drilldown.lots(supplier_id, shown.window, which)
    return render_template(
        "scorecards/lots.html", shown=shown, which=which, lines=lines, args=_list_args(shown), **WORDS
    )


@bp.route("/scorecards/<period_key>/suppliers/<int:supplier_id>/scars")
@roles_required(ANY_ROLE)
def scars(period_key: str, supplier_id: int):
    """The 8D steps due (on-time rate), the SCARs closed (days to close) or open at the end."""
    shown = pages.shown_card(period_key, supplier_id, numbers=False)
    try:
        which = drilldown.ScarList(request.args.get("list", drilldown.ScarList.STEPS_DUE))
    except ValueError:
        abort(404)
    if which == drilldown.ScarList.STEPS_DUE:
        lines: list[Any] = drilldown.steps_due(supplier_id, shown.window)
    else:
        lines = drilldown.scars(supplier_id, shown.window, which)
    return render_template(
        "scorecards/scars.html", shown=shown, which=which, lines=lines, args=_list_args(shown), **WORDS
    )


@bp.route("/scorecards/rules")
@roles_required(INTERNAL)
def rules():
    """The weights and thresholds in force; a quality manager changes them (drafts only)."""
    form = RulesForm(formdata=None)
    form.fill(services.rules_in_force())
    return _rules_page(form)


@bp.route("/scorecards/rules", methods=["POST"])
@roles_required(policy.RULE_EDITORS)
@form_view
def save_rules():
    form = RulesForm()
    if form.validate_on_submit():
        try:
            services.set_rules(form.rules(), current_user)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Scoring rules saved. Drafts use them now; published cards keep theirs."), "success")
            return redirect(url_for("scorecards.rules"))
    return _rules_page(form, 422)


def _rules_page(form: RulesForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "scorecards/rules.html",
        form=form,
        editable=policy.can_edit_scoring_rules(current_user),
        fields={kpi: rule_fields(form, kpi) for kpi in Kpi},
        total=sum(int(form[f"{kpi}_weight"].data or 0) for kpi in Kpi),
        history=events_with_action("scorecard.rules_changed"),
        **WORDS,
    ), status


def _target_year(supplier_id: int) -> tuple[Supplier, int]:
    supplier = get_or_404(Supplier, supplier_id)
    year = request.args.get("year", utcnow().year, type=int)
    if not 2000 <= year <= 2999:
        abort(404)
    return supplier, year


@bp.route("/suppliers/<int:supplier_id>/targets")
@roles_required(INTERNAL)
def targets(supplier_id: int):
    """A supplier's yearly targets (`?year=`); a quality manager sets them."""
    supplier, year = _target_year(supplier_id)
    form = TargetsForm(formdata=None)
    form.fill(services.targets_of(supplier.id, year))
    return _targets_page(supplier, year, form)


@bp.route("/suppliers/<int:supplier_id>/targets", methods=["POST"])
@roles_required(policy.TARGET_EDITORS)
@form_view
def save_targets(supplier_id: int):
    supplier, year = _target_year(supplier_id)
    form = TargetsForm()
    if form.validate_on_submit():
        try:
            services.set_targets(supplier, year, form.targets(), current_user)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Targets of %(code)s for %(year)s saved.", code=supplier.code, year=year), "success")
            return redirect(url_for("scorecards.targets", supplier_id=supplier.id, year=year))
    return _targets_page(supplier, year, form, 422)


def _targets_page(supplier: Supplier, year: int, form: TargetsForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "scorecards/targets.html",
        supplier=supplier,
        year=year,
        form=form,
        editable=policy.can_edit_targets(current_user),
        history=events_with_action("scorecard.targets_changed", object_id=supplier.id),
        **WORDS,
    ), status
