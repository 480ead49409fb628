"""The forms that freeze and unfreeze a chart's baseline; one of each per chart, told apart by a prefix."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from app.forms import KensaForm, required
from app.i18n import lazy_gettext as _l

REASON_LENGTH = 2000


def _reason(label: str, missing: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required(missing),
            Length(max=REASON_LENGTH, message=_l("Use at most %(max)d characters.", max=REASON_LENGTH)),
        ],
        render_kw={"rows": 2, "maxlength": REASON_LENGTH},
    )


class FreezeForm(KensaForm):
    """Freeze the limits a chart shows; `basis` carries the lots seen, so a changed chart is refused."""

    basis = HiddenField()
    reason = _reason(_l("Why freeze these limits?"), _l("Give the reason for freezing these limits."))


class UnfreezeForm(KensaForm):
    reason = _reason(_l("Why unfreeze these limits?"), _l("Give the reason for unfreezing these limits."))


def prefix(action: str, key: str) -> str:
    """The fields' prefix of a chart's form ("freeze-12-reason"), so that every chart's ids differ."""
    return f"{action}-{key}"
