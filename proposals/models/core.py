from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import clock


class Session(models.Model):
    """届/次会议 of one committee: its proposals are numbered within it."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    name = models.CharField(_("名称"), max_length=64)
    term = models.PositiveSmallIntegerField(_("届"))
    meeting = models.PositiveSmallIntegerField(_("次会议"))
    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    opened_on = models.DateField(_("开幕日期"), null=True, blank=True)
    is_current = models.BooleanField(_("当前会议"), default=False)

    class Meta:
        verbose_name = _("届次会议")
        verbose_name_plural = _("届次会议")
        ordering = ["-year", "-term", "-meeting"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "term", "meeting"], name="session_term_meeting"
            ),
            models.UniqueConstraint(fields=["committee", "name"], name="session_name"),
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """类别: 经济 / 政治 / 文化 / 社会 / 生态文明 / 其他 — each committee's own, editable."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    name = models.CharField(_("名称"), max_length=32)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="category_name"),
        ]

    def __str__(self):
        return self.name


class SponsorKind(models.TextChoices):
    MEMBER = "member", _("委员")
    PARTY = "party", _("民主党派")
    FEDERATION = "federation", _("工商联")
    SECTOR = "sector", _("界别")
    COMMITTEE = "committee", _("专门委员会")


class Sponsor(models.Model):
    """提案人/建议人 of one committee: a member, a party, the federation, a sector group
    or a special committee."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="sponsors",
    )
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=SponsorKind.choices)
    affiliation = models.CharField(
        _("党派/界别"), max_length=64, blank=True, help_text=_("委员所属党派或界别")
    )
    # Personal details: never shown on public pages, API, feeds or exports.
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("提案人")
        verbose_name_plural = _("提案人")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name", "kind"], name="sponsor_name_kind"),
        ]

    def __str__(self):
        return self.name


class SponsorAccount(models.Model):
    """The sponsor a sponsor user (a login with the sponsor role) acts for.

    Kept here, not on accounts.User: accounts is the bottom layer and knows no sponsor.
    proposals.policies.sponsor_of(user) reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="sponsor_account",
    )
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("对应提案人"), on_delete=models.CASCADE, related_name="accounts"
    )

    class Meta:
        verbose_name = _("提案人账号")
        verbose_name_plural = _("提案人账号")

    def __str__(self):
        return f"{self.user} · {self.sponsor}"


class ProposalKind(models.TextChoices):
    PROPOSAL = "proposal", _("提案")
    SUGGESTION = "suggestion", _("建议")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REGISTERED = "registered", _("已立案")
    REJECTED = "rejected", _("不予立案")
    CONVERTED = "converted", _("转意见建议")
    MERGED = "merged", _("已并案")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已评价")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")


class ProposalQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Proposal(models.Model):
    """提案/建议, numbered within its session; its status follows the life of a proposal
    (docs/domain.md). `committee` is its session's, kept on the row (set on save) so that
    every list is scoped by an indexed column."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("届次会议"), on_delete=models.PROTECT, related_name="proposals"
    )
    number = models.PositiveIntegerField(_("编号"))
    kind = models.CharField(
        _("类型"), max_length=16, choices=ProposalKind.choices, default=ProposalKind.PROPOSAL
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    sponsors = models.ManyToManyField(
        Sponsor, through="Sponsorship", verbose_name=_("提案人"), related_name="proposals"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    # 审查 (review)
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_note = models.TextField(_("审查意见/不予立案理由"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入提案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
    )

    # 重点提案 / 督办
    is_key = models.BooleanField(_("重点提案"), default=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办领导"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_proposals",
    )

    # 公开 / 发布
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)

    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-session__year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="proposal_session_number"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="merged_proposal_names_target",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(is_published=True),
                name="proposal_published_idx",
            ),
            # The public list filtered by session or by category (or both), newest first.
            # The last column makes the index cover that filter pair, so a count, or the
            # ids a search keeps, never read the wide rows (the body is stored in them).
            models.Index(
                fields=["session", "-published_at", "-id", "category"],
                condition=Q(is_published=True),
                name="proposal_public_session_idx",
            ),
            models.Index(
                fields=["category", "-published_at", "-id", "session"],
                condition=Q(is_published=True),
                name="proposal_public_category_idx",
            ),
            # Search excludes the (few) unpublished proposals from its hits without
            # reading the published ones: portal.search.ranked_documents.
            models.Index(
                fields=["id"], condition=Q(is_published=False), name="proposal_unpublished_idx"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        if self.session_id is not None and self.committee_id is None:
            self.committee_id = (
                self.session.committee_id
                if "session" in self._state.fields_cache
                else Session.objects.values_list("committee_id", flat=True).get(pk=self.session_id)
            )
        super().save(*args, **kwargs)

    @property
    def lead_sponsor(self):
        for sponsorship in self.sponsorships.all():
            if sponsorship.is_lead:
                return sponsorship.sponsor
        return None

    @property
    def co_sponsors(self):
        return [s.sponsor for s in self.sponsorships.all() if not s.is_lead]


class Sponsorship(models.Model):
    """One sponsor on one proposal: exactly one lead (领衔), any number of co-sponsors (联名)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sponsorships")
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("提案人"), on_delete=models.PROTECT, related_name="sponsorships"
    )
    is_lead = models.BooleanField(_("领衔"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("提案人署名")
        verbose_name_plural = _("提案人署名")
        ordering = ["-is_lead", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "sponsor"], name="sponsorship_unique"),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(is_lead=True), name="one_lead_sponsor"
            ),
        ]
        indexes = [
            # The public filter by the lead sponsor's kind: from a few sponsors to their
            # proposals without reading the sponsorship rows.
            models.Index(
                fields=["sponsor", "proposal"],
                condition=Q(is_lead=True),
                name="sponsorship_lead_sponsor_idx",
            ),
        ]

    def __str__(self):
        return str(self.sponsor)


class Action(models.TextChoices):
    CREATE = "create", _("录入")
    UPDATE = "update", _("修改")
    SUBMIT = "submit", _("提交")
    REGISTER = "register", _("立案")
    REJECT = "reject", _("不予立案")
    CONVERT = "convert", _("转意见建议")
    MERGE = "merge", _("并案")
    SET_KEY = "set_key", _("设置重点提案")
    ASSIGN = "assign", _("交办")
    ACCEPT = "accept", _("签收")
    REQUEST_REASSIGNMENT = "request_reassignment", _("申请调整")
    DECIDE_REASSIGNMENT = "decide_reassignment", _("审批调整申请")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期申请")
    FILE_OPINION = "file_opinion", _("提交会办意见")
    WAIVE_OPINIONS = "waive_opinions", _("免于等待会办意见")
    FILE_REPLY = "file_reply", _("填报答复")
    ATTACH_DOCUMENT = "attach_document", _("上传答复附件")
    REMOVE_DOCUMENT = "remove_document", _("删除答复附件")
    CONFIRM_REPLY = "confirm_reply", _("确认答复")
    REOPEN_REPLY = "reopen_reply", _("退回答复")
    RECORD_FEEDBACK = "record_feedback", _("录入满意度")
    SEND_BACK = "send_back", _("重新办理")
    CLOSE = "close", _("办结")
    PUBLISH = "publish", _("公开")
    UNPUBLISH = "unpublish", _("取消公开")
    REMIND = "remind", _("催办")
    CHANGE_DEADLINE = "change_deadline", _("调整期限")


class Event(models.Model):
    """An audit row per state change: who, what, when, from → to."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("提案"), on_delete=models.CASCADE, related_name="events"
    )
    # The assignment the event is about, by id: proposals sits below responses, and the
    # audit trail outlives the rows it names (no foreign key, nothing cascades).
    assignment_id = models.PositiveBigIntegerField(_("交办"), null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices, db_index=True)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_action_display()}"
