"""Form pieces shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, SelectChoice, SelectField, StringField, widgets
from wtforms.fields.choices import Choice
from wtforms.validators import DataRequired, Length

from app.i18n import LANGUAGES, WTFORMS_TRANSLATIONS
from app.i18n import lazy_gettext as _l
from app.parts.services import part_id_by_number
from app.rules import RuleError
from app.timezones import zone_names

T = TypeVar("T")

COUNTRIES = (
    ("TH", _l("Thailand")),
    ("CN", _l("China")),
    ("VN", _l("Vietnam")),
    ("JP", _l("Japan")),
    ("MY", _l("Malaysia")),
    ("IN", _l("India")),
    ("TW", _l("Taiwan")),
    ("KR", _l("South Korea")),
    ("ID", _l("Indonesia")),
    ("PH", _l("Philippines")),
    ("MX", _l("Mexico")),
    ("DE", _l("Germany")),
    ("US", _l("United States")),
)

LANGUAGE_CHOICES = tuple(LANGUAGES.items())


def zone_choices(*first: tuple[str, object]) -> list[SelectChoice]:
    """Every IANA time zone, after `first`, as the select lists of the account and site forms show them."""
    return choices([*first, *((zone, zone.replace("_", " ")) for zone in zone_names())])


def choices(pairs: object) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[attr-defined]


class ListSelect(widgets.Select):
    """WTForms' <select>, the same HTML, its plain options written directly: a list page's filters
    render some 120 options a request, and `html_params` (sorting, escaping each attribute) was most
    of their cost."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)  # type: ignore[no-any-return]
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        options = "".join([self.render_option(choice) for choice in field.iter_choices()])
        params = widgets.html_params(name=field.name, **kwargs)
        return Markup(f"<select {params}>{options}</select>")  # noqa: S704 - escaped options, html_params

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)  # type: ignore[no-any-return]
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 - escaped


LIST_SELECT = ListSelect()


class FixedSelect(ListSelect):
    """ListSelect for one list of plain (value, label) choices fixed for the process, such as the
    some 400 time zones of the account page: each option is written once, and a request only writes
    the selected one again. The field takes its choices from `choices` (a callable: WTForms would
    copy a list, checking each choice, for every form); a field with other choices is rendered as
    ListSelect renders it."""

    def __init__(self, fixed: list[SelectChoice]) -> None:
        super().__init__()
        self.fixed = fixed
        self._options = [self.render_option(_choice(choice, selected=False)) for choice in fixed]
        self._index = {str(choice.value): i for i, choice in enumerate(fixed)}

    def choices(self) -> list[SelectChoice]:
        """The fixed choices, for the field's `choices=`."""
        return self.fixed

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        if field.choices is not self.fixed or self.multiple or field.coerce is not str:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        options = self._options
        at = self._index.get(field.data) if isinstance(field.data, str) else None
        if at is not None:
            options = options.copy()
            options[at] = self.render_option(_choice(self.fixed[at], selected=True))
        params = widgets.html_params(name=field.name, **kwargs)
        return Markup(f"<select {params}>{''.join(options)}</select>")  # noqa: S704 - escaped options, html_params


def _choice(choice: Any, *, selected: bool) -> Choice:
    return Choice(value=choice.value, label=choice.label, selected=selected, render_kw=None)


class KensaForm(FlaskForm):
    """Every form of the portal: Flask-WTF's, with WTForms' own messages ("Not a valid choice.") read
    from a catalogue kept per language (Flask-WTF reads it from disk again for every request)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return WTFORMS_TRANSLATIONS


class ConfirmForm(KensaForm):
    """An empty form for action buttons: it carries only the CSRF token."""


def required(message: str | None = None) -> DataRequired:
    """DataRequired with a plain-language default message."""
    return DataRequired(message=message or _l("Please fill this in."))


def text_field(label: str, *, max_length: int, optional: bool = False) -> StringField:
    """A trimmed text field with a length limit."""
    validators = [] if optional else [required()]
    validators.append(Length(max=max_length, message=_l("Use at most %(max)d characters.", max=max_length)))
    return StringField(label, validators=validators, filters=[lambda v: v.strip() if v else v])


def country_field(label: str) -> SelectField:
    """A select of the countries where suppliers have sites."""
    return SelectField(label, choices=choices(COUNTRIES), validators=[required()])


def show_rule_error(form: FlaskForm, error: RuleError) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def run_confirmed(action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a one-button POST action: check its CSRF token (400 if stale), flash a refusal.

    Returns (True, the action's result), or (False, None) when a business rule
    refused it; the reason is then flashed. The caller flashes success and redirects.
    """
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        return True, action()
    except RuleError as error:
        flash(str(error), "danger")
        return False, None


def typed_part_id(field: Field) -> int | None:
    """The part whose exact number was typed in a filter field; an unknown number is said next to it.

    None when nothing was typed; -1 (matches nothing) for a number no part has.
    """
    number = (field.data or "").strip()
    if not number:
        return None
    part_id = part_id_by_number(number)
    if part_id is None:
        field.errors = [_("No part has the number %(number)s.", number=number)]
        return -1
    return part_id
