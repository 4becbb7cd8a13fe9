from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What the public search reads for one published proposal.

    Only public text goes in: title, body, sponsor and agency names, and the summaries
    and extracted letters of confirmed public replies. A proposal that is not published
    has no row (`portal.search.refresh_search_document` keeps it so), so search can
    never leak an unpublished proposal or a non-public reply.

    `tokens` holds the text as space-separated tokens: overlapping character bigrams for
    each run of CJK characters (as Lucene's CJK analyzer does) and lower-cased words for
    Latin letters and digits, padded with a space at each end. On PostgreSQL a GIN index
    over `vector = to_tsvector('simple', tokens)` finds candidates; `tokens LIKE '% 型工 工业 %'`
    then confirms that the bigrams are adjacent, which makes every query of two or more
    characters exact, also across word boundaries. (The tsvector is a stored generated
    column `vector`, PostgreSQL only, added by migration 0004.)

    `title` (normalized), `title_tokens`, `published_at`, `session`, `category` and
    `classifications` copy, for the public list, the proposal's title, publication time,
    session and category and the classifications (A-D) of its public replies on live
    assignments. They change only with what refreshes the document (publication,
    replies, any edit of the proposal), so they are refreshed with it.
    """

    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("提案"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    content = models.TextField(_("检索文本"))
    tokens = models.TextField(_("检索词元"))
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    # Copies of what the public list ranks, sorts and filters on, refreshed with the text:
    # a search then orders its hits (苏州: 70% of the proposals) within these narrow rows
    # instead of reading every hit's proposal, and the classification filter reads one
    # column instead of joining replies and assignments per proposal.
    title = models.CharField(
        _("检索标题"), max_length=300, blank=True, help_text=_("标题，按检索规则折叠大小写和全角")
    )
    # The title's tokens, as `tokens` holds the whole text's: on PostgreSQL a GIN index
    # over `title_vector = to_tsvector('simple', title_tokens)` (migration 0007) finds
    # the proposals whose title holds a term, which rank first.
    title_tokens = models.TextField(_("标题检索词元"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Copies (no constraint: the proposal's own keys protect both rows) so that a search
    # filtered by session or category narrows its hits without reading the proposals.
    session = models.ForeignKey(
        "proposals.Session",
        verbose_name=_("届次会议"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        "proposals.Category",
        verbose_name=_("类别"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    classifications = models.CharField(
        _("公开答复的办理类型"),
        max_length=4,
        blank=True,
        help_text=_("本提案公开答复的办理类型字母，如 AB"),
    )
    # The list's "most viewed" order reads this copy, refreshed every few minutes
    # (search.refresh_view_counts): an index on the proposal's own counter would make
    # every counted view rewrite all of that table's indexes.
    view_count = models.PositiveIntegerField(
        _("浏览次数（排序用）"),
        default=0,
        help_text=_("提案浏览次数的副本，每十分钟更新一次，供“浏览最多”排序"),
    )

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")
        indexes = [
            models.Index(fields=["-view_count", "-proposal"], name="searchdoc_view_count_idx"),
        ]

    def __str__(self):
        return str(self.proposal_id)
