"""`manage.py send_reminders [--dry-run] [--now 2025-06-13T08:30+08:00]`: the beat's sweep,
by hand. Prints each reminder sent (or, with --dry-run, that would be sent)."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from responses import reminders
from responses.models import ReminderKind


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--now 需要 ISO 8601 时间，如 2025-06-13T08:30+08:00：%r") % value
        ) from None
    if timezone.is_naive(moment):  # a bare time is Beijing time, like everything else here
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, so translate when the parser is built
        return _("发送到期的办理期限提醒（与 Celery beat 定时运行的是同一个任务）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("只显示将要发送的提醒，不做任何改动"),
        )
        parser.add_argument(
            "--now", type=_moment, help=_("按此时间运行，如 2025-06-13T08:30+08:00")
        )
        parser.add_argument(
            "--reschedule",
            action="store_true",
            help=_("先按现行提醒规则重算所有办理中交办的下次提醒时间（修改办理规则后使用）"),
        )

    def handle(self, *args, dry_run=False, now=None, reschedule=False, **options):
        with translation.override("zh-hans"):
            if reschedule and not dry_run:
                count = reminders.reschedule_open_assignments(now=now)
                self.stdout.write(_("已重算 %(count)s 个交办的下次提醒时间") % {"count": count})
            self._run(dry_run, now)

    def _run(self, dry_run, now):
        result = reminders.sweep(now, dry_run=dry_run)
        names = dict(
            User.objects.filter(
                pk__in={pk for sent in result.sent for pk in sent.recipients}
            ).values_list("pk", "username")
        )
        verb = _("将发送") if dry_run else _("已发送")
        kinds = dict(ReminderKind.choices)
        for sent in result.sent:
            a, point = sent.assignment, sent.point
            whom = "、".join(names.get(pk, str(pk)) for pk in sent.recipients) or _("（无收件人）")
            self.stdout.write(
                f"{verb} {point.on:%Y-%m-%d} {kinds[point.kind]} "
                f"{reminders.proposal_label(a.proposal)} {a.agency.name} "
                + _("期限 %(date)s") % {"date": f"{point.deadline:%Y-%m-%d}"}
                + (_("（含工作人员）") if sent.escalated else "")
                + f" → {whom}"
            )
        when = timezone.localtime(result.now).isoformat(timespec="minutes")
        summary = _("%(when)s：%(verb)s提醒 %(count)s 条") % {
            "when": when,
            "verb": verb,
            "count": len(result.sent),
        }
        if not dry_run:
            summary += _("，站内通知 %(notes)s 条，邮件排队 %(mails)s 封") % {
                "notes": result.notifications,
                "mails": len(result.digests),
            }
        self.stdout.write(summary)
        for pk, error in result.failures:
            self.stderr.write(
                _("交办 %(pk)s 处理出错，一小时后重试：%(error)s") % {"pk": pk, "error": error}
            )
        if result.failures:
            raise CommandError(_("%(count)s 个交办处理出错") % {"count": len(result.failures)})
