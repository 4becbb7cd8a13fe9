from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day whose status staff set by hand, overriding China's official calendar.

    The official calendar (the `chinesecalendar` package) covers holidays and 调休 make-up
    working days as published by the State Council, but only up to the year its release
    knows and only as the package has it. Staff add next year's schedule here as soon as
    it is announced, or correct a day; `responses.recalculation.change_calendar_day` saves the
    row and moves the deadlines still running.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("工作日"), help_text=_("勾选：当天上班（如调休上班日）；不勾选：当天放假。")
    )
    name = models.CharField(
        _("名称"), max_length=32, blank=True, help_text=_("如“国庆节”“春节”“调休上班”。")
    )
    note = models.CharField(_("依据/备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["-date"]

    def __str__(self):
        kind = _("上班") if self.is_working_day else _("放假")
        return f"{self.date:%Y-%m-%d} {self.name or kind}"
