"""A compilation's life: requested (one build per session and kind at a time), claimed by
the task, built with its progress recorded, ready (or failed with a code)."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from committees import scope
from common import clock
from proposals.models import Session
from proposals.workflow import TransitionError
from staff.compilations import content
from staff.compilations.render import docx_bytes, make_book, pdf_bytes
from staff.models import ACTIVE, Compilation, CompilationError, CompilationKind
from staff.models import CompilationStatus as S

logger = logging.getLogger(__name__)


def _check_size(count: int) -> None:
    limit = settings.COMPILATION_MAX_PROPOSALS
    if count > limit:
        raise TransitionError(
            _("本届次有 %(count)s 件提案，超过每份汇编最多 %(limit)s 件的上限，未生成。"),
            params={"count": count, "limit": limit},
        )
    if count == 0:
        raise TransitionError(_("本届次还没有已立案的提案，无法生成汇编。"))


def request_compilation(session: Session, kind: str, *, by, language: str = "zh-hans"):
    """Queue a build, or return the one already queued or building: (compilation, new)."""
    may_act_as_staff(by).enforce()
    if kind not in CompilationKind.values:
        raise TransitionError(_("未知的汇编类型。"))
    if session.committee_id != scope.of_user(by).pk:
        raise TransitionError(_("只能汇编本委员会的届次会议。"))
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=session.pk)  # one request at a time
        running = Compilation.objects.filter(session=session, kind=kind, status__in=ACTIVE)
        if current := running.first():
            return current, False
        count = content.count(session)
        _check_size(count)
        compilation = Compilation.objects.create(
            session=session,
            kind=kind,
            language=language,
            proposal_count=count,
            requested_by=by,
        )
        from staff.compilations.tasks import build_compilation_task

        transaction.on_commit(lambda: build_compilation_task.delay(compilation.pk))
    return compilation, True


def _progress(compilation: Compilation, value: int) -> None:
    compilation.progress = value
    Compilation.objects.filter(pk=compilation.pk).update(progress=value)


def _fail(compilation: Compilation, error: str) -> None:
    Compilation.objects.filter(pk=compilation.pk).update(
        status=S.FAILED, error=error, finished_at=clock.now()
    )


def build_compilation(compilation_id: int, *, takeover: bool = False) -> Compilation | None:
    """Build a queued compilation. Claimed by a conditional UPDATE, so a second delivery
    of the same message does nothing; a redelivered one (worker died) takes over."""
    claimable = [S.QUEUED, S.BUILDING] if takeover else [S.QUEUED]
    claimed = Compilation.objects.filter(pk=compilation_id, status__in=claimable).update(
        status=S.BUILDING, started_at=clock.now(), progress=0
    )
    compilation = Compilation.objects.select_related("session__committee").get(pk=compilation_id)
    if not claimed:
        return compilation
    try:
        with translation.override(compilation.language):
            _build(compilation)
    except Exception:
        logger.exception("compilation %s failed", compilation_id)
        _fail(compilation, CompilationError.FAILED)
        raise
    compilation.refresh_from_db()
    return compilation


def _build(compilation: Compilation) -> None:
    session = compilation.session
    count = content.count(session)
    if count > settings.COMPILATION_MAX_PROPOSALS or count == 0:
        _fail(compilation, CompilationError.TOO_MANY if count else CompilationError.EMPTY)
        return
    _progress(compilation, 5)
    groups = content.groups(session, with_replies=compilation.kind == CompilationKind.REPLIES)
    _progress(compilation, 25)
    label = str(CompilationKind(compilation.kind).label)
    book = make_book(session, compilation.kind, _(label), groups, clock.today())
    pdf = pdf_bytes(book, compilation.language)
    _progress(compilation, 80)
    docx = docx_bytes(book)
    _progress(compilation, 95)
    stem = f"{compilation.pk}-{compilation.kind}"
    compilation.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    compilation.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    Compilation.objects.filter(pk=compilation.pk, status=S.BUILDING).update(
        pdf=compilation.pdf.name,
        docx=compilation.docx.name,
        status=S.READY,
        progress=100,
        proposal_count=count,
        error="",
        finished_at=clock.now(),
    )
