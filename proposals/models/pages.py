from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicPage(models.Model):
    """A published proposal's page as an anonymous visitor sees it, in one language.

    Rendered once (after publication, or on the first visit) and served as it is, with
    the visitor's CSRF token and the live view count put in its two slots
    (`portal.pages`). A row counts only while `version` equals the proposal's current
    version (its own and its search document's last change) and `release` the running
    code's templates, translations and static files; otherwise it is rendered again.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal", verbose_name=_("提案"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("语言"), max_length=16)
    version = models.DateTimeField(_("内容版本"))
    release = models.CharField(_("程序版本"), max_length=16)
    html = models.TextField(_("页面"))
    rendered_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公开页面")
        verbose_name_plural = _("公开页面")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "language"], name="one_page_per_language"),
        ]

    def __str__(self):
        return f"{self.proposal_id} {self.language}"
