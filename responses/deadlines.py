"""Every computed date of the handling rules, each able to say which rule made it.

All dates are local (Asia/Shanghai) calendar dates. The committee's periods come from
CommitteeRules. Working days follow China's official calendar (see `calendar.py`).
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from responses.models import CommitteeRules


@dataclass(frozen=True)
class ComputedDate:
    date: date
    explanation: str


def _rules(rules: CommitteeRules | None) -> CommitteeRules:
    return rules or CommitteeRules.current()


def reply_deadline(assigned_on: date, rules: CommitteeRules | None = None) -> ComputedDate:
    """交办 + N months (default 3)."""
    months = _rules(rules).reply_months
    due = assigned_on + relativedelta(months=months)
    return ComputedDate(due, f"交办 {assigned_on:%Y-%m-%d} + {months}个月 = {due:%Y-%m-%d}")


def latest_extension(assigned_on: date, rules: CommitteeRules | None = None) -> ComputedDate:
    """An extension never passes 交办 + max months (default 6)."""
    months = _rules(rules).max_months
    due = assigned_on + relativedelta(months=months)
    return ComputedDate(due, f"延期上限：交办 {assigned_on:%Y-%m-%d} + {months}个月 = {due:%Y-%m-%d}")


def opinion_deadline(assigned_on: date, rules: CommitteeRules | None = None) -> ComputedDate:
    """Joint/assisting opinion due at 交办 + N months (default 1)."""
    months = _rules(rules).joint_opinion_months
    due = assigned_on + relativedelta(months=months)
    return ComputedDate(due, f"会办意见：交办 {assigned_on:%Y-%m-%d} + {months}个月 = {due:%Y-%m-%d}")


def reassignment_deadline(assigned_on: date, rules: CommitteeRules | None = None) -> ComputedDate:
    """申请调整 within N days of assignment (default 10 working days)."""
    from datetime import timedelta

    days = _rules(rules).reassignment_working_days
    current, counted = assigned_on, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            counted += 1
    return ComputedDate(
        current, f"申请调整：交办 {assigned_on:%Y-%m-%d} 起 {days} 个工作日 = {current:%Y-%m-%d}"
    )


def rehandling_deadline(started_on: date, rules: CommitteeRules | None = None) -> ComputedDate:
    """重新办理: N months (default 1) from being sent back."""
    months = _rules(rules).rehandling_months
    due = started_on + relativedelta(months=months)
    return ComputedDate(due, f"重新办理：{started_on:%Y-%m-%d} + {months}个月 = {due:%Y-%m-%d}")
