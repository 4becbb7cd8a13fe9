"""`manage.py loaddemo`: the demo data, idempotent.

Proposal 118 exactly as published (demo/data/proposal-118.txt, its reply letter
demo/data/reply-118.doc), about 200 more proposals over four sessions in every
state of the workflow, and one login per role, all built through the workflow services.
What exists already (by session term/meeting, proposal session+number, username…) is
left as it is, so a second run changes nothing and says so.

Demo data belong on a machine for trying Jianyan out. With DEBUG=false the command
refuses unless --force is given, and then the demo logins get random passwords, printed
once, instead of the known ones.
"""

import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from demo import data
from demo.build import Builder
from demo.generate import demo_plans
from demo.letters import DemoRenderer, letter_docx
from demo.reference import CREATED_LABELS, LOGINS, ReferenceLoader
from demo.seed import SEED_LETTER, SEED_PAGE, load_seed
from proposals.models import Event, Proposal, Sponsor, Status
from proposals.workflow import TransitionError
from responses.models import Agency, Assignment, Feedback, Reply, ReplyDocument

# The house cover costs about 1 s per PDF (WeasyPrint); proposal 118 and this many replies
# of the current session get one, the rest the letter alone (see demo/letters.py).
COVERS_IN_NEWEST_SESSION = 6


class Command(BaseCommand):
    help = gettext_lazy(
        "载入演示数据：第118号建议及约200件各状态的提案、承办单位和各角色登录账号（可重复运行）。"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse formats its texts with regular expressions, which need real strings.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=str(
                gettext_lazy("在 DEBUG=false 时也载入演示数据；演示账号改用随机密码（只显示一次）")
            ),
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        production = not settings.DEBUG
        if production and not options["force"]:
            raise CommandError(
                _(
                    "DEBUG=false：这看起来是正式环境，演示数据不应载入。"
                    "确需载入请加 --force（演示账号将使用随机密码）。"
                )
            )
        for path in (SEED_PAGE, SEED_LETTER):
            if not path.is_file():
                raise CommandError(_("找不到演示数据所需的文件：%(path)s") % {"path": path})
        seed = load_seed()
        now = timezone.now()
        today = timezone.localdate(now)

        refs = ReferenceLoader(random_passwords=production).load()
        newest = refs.sessions[(data.SESSIONS[-1].term, data.SESSIONS[-1].meeting)]
        seed_session = refs.sessions[data.SEED_SESSION]
        covers_left = [COVERS_IN_NEWEST_SESSION]

        def with_cover(document) -> bool:
            proposal = document.reply.assignment.proposal
            if proposal.session_id == seed_session.pk and proposal.number == seed.number:
                return True
            if proposal.session_id == newest.pk and covers_left[0] > 0:
                covers_left[0] -= 1
                return True
            return False

        plans = demo_plans(seed_number=seed.number)
        oldest = (data.SESSIONS[0].term, data.SESSIONS[0].meeting)
        unpublish_plan = next(
            p for p in plans if (p.term, p.meeting) == oldest and p.scenario == "closed"
        )
        existing = set(Proposal.objects.values_list("session_id", "number"))
        builder = Builder(
            refs=refs, today=today, now=now, letters={c: letter_docx(c) for c in "ABC"}
        )
        renderer = DemoRenderer(with_cover)
        created, failures = 0, []
        with renderer.active():
            if (seed_session.pk, seed.number) not in existing:
                builder.build_seed(seed, SEED_LETTER.read_bytes())
                created += 1
            for plan in plans:
                session = refs.sessions[(plan.term, plan.meeting)]
                if (session.pk, plan.number) in existing:
                    continue
                try:
                    builder.build(plan, unpublish=plan is unpublish_plan)
                except TransitionError as error:
                    failures.append(f"{session} {plan.number}（{plan.scenario}）：{error}")
                    continue
                created += 1 + len(plan.absorbs)

        self.print_summary(refs, created, renderer, time.monotonic() - started)
        failures += renderer.failures  # why a reply could not be confirmed
        if failures:
            raise CommandError(
                _("以下演示提案未能生成（其余数据已保存）：") + "\n" + "\n".join(failures)
            )

    # --- output -----------------------------------------------------------------------------

    def print_summary(self, refs, created: int, renderer: DemoRenderer, seconds: float):
        write = self.stdout.write
        counts = dict(Proposal.objects.values_list("status").annotate(n=Count("id")))
        write("")
        write(pad(_("提案状态"), 26) + _("数量"))
        write("-" * 30)
        for status in Status:
            write(
                pad(str(status.label), 12) + pad(status.value, 14) + f"{counts.get(status, 0):>4}"
            )
        write("-" * 30)
        write(pad(_("合计"), 26) + f"{sum(counts.values()):>4}")
        write("")
        totals = [
            (_("届次会议"), len(refs.sessions)),
            (_("提案人"), Sponsor.objects.count()),
            (_("承办单位"), Agency.objects.count()),
            (_("交办"), Assignment.objects.count()),
            (_("答复"), Reply.objects.count()),
            (_("答复附件"), ReplyDocument.objects.count()),
            (_("满意度评价"), Feedback.objects.count()),
            (_("操作记录"), Event.objects.count()),
            (_("用户"), User.objects.count()),
        ]
        write("  ".join(f"{label} {value}" for label, value in totals))
        if sum(refs.created.values()) + created == 0:
            write(self.style.SUCCESS(_("演示数据已齐全，本次未做任何修改。")))
        else:
            made = [f"{CREATED_LABELS[key]} {n}" for key, n in refs.created.items()]
            made.append(_("提案 %(count)s") % {"count": created})
            write(self.style.SUCCESS(_("本次新建：") + "，".join(made)))
            write(
                _(
                    "答复函转换：LibreOffice %(conversions)s 次，生成 PDF %(rendered)s 份"
                    "（其中带封面 %(covers)s 份）"
                )
                % {
                    "conversions": renderer.conversions,
                    "rendered": renderer.rendered,
                    "covers": renderer.covers,
                }
            )
        write(_("用时 %(seconds).1f 秒") % {"seconds": seconds})
        write("")
        write(_("演示账号（登录地址 /accounts/login/，管理后台 /admin/）："))
        write(
            _(
                "工作人员和三位管理员须两步验证：首次登录时用手机上的身份验证器应用"
                "（如 Google Authenticator、Microsoft Authenticator）扫描页面上的二维码，"
                "输入应用显示的 6 位数字完成绑定，并保存好随后显示的备用码；"
                "此后每次登录在密码之后输入动态口令。"
                "安全管理员可在管理后台的用户列表中重置某人的动态口令。"
            )
        )
        for login in LOGINS.values():
            if login.username in refs.passwords:
                password, warning = refs.passwords[login.username], ""
            elif refs.random_passwords:
                password, warning = "******", _("（账号已存在，密码未改动）")
            else:
                password = login.password
                warning = _("（密码已被修改）") if login.username in refs.password_changed else ""
            write(
                "  "
                + pad(str(login.role_label), 20)
                + pad(login.username, 9)
                + "/ "
                + pad(password, 22)
                + f"{login.note}{warning}"
            )


def pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)
