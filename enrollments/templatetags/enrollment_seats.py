"""The seat forms of KSG staff in the pages that show them: moving an officer and removing a
no-show on the enrolment page, and the seat quotas on the roster.

Those pages are drawn by other views; these tags read what the forms need themselves, in a
constant few queries. Forms already in the context (bound, with their errors, on the pages of
``enrollments.views_seats``) are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from enrollments import services
from enrollments.forms_seats import (
    MoveForm,
    NoShowForm,
    QuotaForm,
    QuotaRemoveForm,
    move_form_for,
    no_show_open,
)
from enrollments.models import Enrollment

register = template.Library()


@dataclass(frozen=True)
class SeatActions:
    movable: bool
    move_form: MoveForm | None  # None when no other cohort of the course is open
    no_show_form: NoShowForm | None  # None unless the officer may be removed today
    no_show_from: object = None  # the start of the cohort, when a no-show can be removed later


@dataclass(frozen=True)
class QuotaPanel:
    pools: list[services.SeatPool]
    quota_form: QuotaForm
    remove_form: QuotaRemoveForm | None

    @property
    def has_quotas(self) -> bool:
        return any(pool.quota for pool in self.pools)


@register.simple_tag
def seat_actions(enrollment: Enrollment) -> SeatActions:
    """``{% seat_actions enrollment as actions %}``: the move and no-show forms that apply."""
    move_form = move_form_for(enrollment)
    open_targets = move_form is not None and move_form.fields["cohort"].queryset.exists()
    later = (
        enrollment.state == Enrollment.State.ENROLLED
        and timezone.localdate() < enrollment.cohort.starts_on
    )
    return SeatActions(
        movable=move_form is not None,
        move_form=move_form if open_targets else None,
        no_show_form=NoShowForm() if no_show_open(enrollment) else None,
        no_show_from=enrollment.cohort.starts_on if later else None,
    )


@register.simple_tag(takes_context=True)
def quota_panel(context, cohort) -> QuotaPanel:
    """``{% quota_panel cohort as panel %}``: the cohort's pools of seats and the quota forms."""
    return QuotaPanel(
        pools=list(services.seat_pools(cohort).values()),
        quota_form=context.get("quota_form") or QuotaForm(),
        remove_form=context.get("remove_form"),
    )
