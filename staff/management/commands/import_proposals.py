"""python manage.py import_proposals FILE [--dry-run] [--user USERNAME]

Imports past proposals from an .xlsx or .csv file, all or nothing, with a progress bar.
Importing the same file again changes nothing (rows are keyed by 届次 + 编号).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from accounts.models import Role, User
from proposals.models import ImportSource, ImportStatus
from staff.importing.batches import batch_report, dry_run_batch, import_batch, new_batch
from staff.importing.bulk import ACTION_LABELS


class Command(BaseCommand):
    help = gettext_lazy(
        "从 .xlsx 或 .csv 文件批量导入往年提案（整个文件要么全部导入，要么都不导入）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("要导入的 .xlsx 或 .csv 文件"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只检查并报告将要做什么，不写入数据库")
        )
        parser.add_argument(
            "--user",
            help=_("以哪个工作人员账号导入（记录在操作日志中）；默认取第一个系统管理员"),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        user = self._user(options.get("user"))
        batch = new_batch(path.read_bytes(), path.name, by=user, source=ImportSource.COMMAND)
        bar = tqdm(
            total=0,
            unit=_("行"),
            desc=_("试运行") if options["dry_run"] else _("导入"),
            disable=options["no_progress"],
            # The raw stream: OutputWrapper.write would add a newline to every redraw.
            file=self.stderr._out,
        )

        def on_rows(count):
            bar.total = count
            bar.refresh()

        step = dry_run_batch if options["dry_run"] else import_batch
        try:
            batch = step(batch, by=user, progress=bar.update, on_rows=on_rows)
        finally:
            bar.close()
        self._summarize(batch, dry_run=options["dry_run"])

    def _summarize(self, batch, *, dry_run):
        report = batch_report(batch)
        for note in report.notes:
            self.stdout.write(note)
        for error in report.file_errors:
            self.stderr.write(self.style.ERROR(error))
        for row in report.rows:
            for error in row.errors:
                self.stderr.write(self.style.ERROR(error))
        counts = _("，").join(
            _("%(label)s %(count)s 条") % {"label": _(label), "count": report.count(action)}
            for action, label in ACTION_LABELS.items()
        )
        if batch.status == ImportStatus.FAILED:
            raise CommandError(
                _("有 %(n)s 处错误，未导入任何数据（全部或全不）。请修改文件后重试。")
                % {"n": batch.error_count}
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(_("试运行完成（未写入数据库）：%(c)s。") % {"c": counts})
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成：%(c)s。") % {"c": counts}))

    def _user(self, username):
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("没有用户名为 %(u)s 的账号。") % {"u": username})
        else:
            user = (
                User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
                or User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first()
            )
            if user is None:
                raise CommandError(_("请用 --user 指定一个提案委员会工作人员账号。"))
        if not user.is_staff_member:
            raise CommandError(
                _("%(u)s 不是提案委员会工作人员，不能导入提案。") % {"u": user.username}
            )
        return user
