from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What the public search reads for one published proposal.

    Only public text goes in: title, body, sponsor and agency names, and the summaries
    and extracted letters of confirmed public replies. A proposal that is not published
    has no row (`proposals.search.refresh_search_document` keeps it so), so search can
    never leak an unpublished proposal or a non-public reply.

    `tokens` holds the text as space-separated tokens: overlapping character bigrams for
    each run of CJK characters (as Lucene's CJK analyzer does) and lower-cased words for
    Latin letters and digits, padded with a space at each end. On PostgreSQL a GIN index
    over `vector = to_tsvector('simple', tokens)` finds candidates; `tokens LIKE '% 型工 工业 %'`
    then confirms that the bigrams are adjacent, which makes every query of two or more
    characters exact, also across word boundaries. (The tsvector is a stored generated
    column `vector`, PostgreSQL only, added by migration 0004.)
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

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")

    def __str__(self):
        return str(self.proposal_id)
