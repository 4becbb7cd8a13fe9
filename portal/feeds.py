"""Atom feed of what became public: newly published proposals and public replies."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import selectors

FEED_SIZE = 30


class PlainTextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries. Django writes `<summary type="html">`, which a feed
    reader renders as HTML: a body or reply holding `<script>`, `onerror` or a
    `javascript:` link would come alive there. Our texts are plain text, so say so."""

    def add_item_elements(self, handler, item):
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class LatestPublicationsFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = gettext_lazy("建言 · 最新公开的提案与答复")
    subtitle = gettext_lazy("新公开的政协提案和承办单位的公开答复")

    def link(self):
        return reverse("public:home")

    def items(self):
        proposals = [
            ("proposal", p.published_at, p)
            for p in selectors.published_proposals()
            .select_related("session")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        ]
        latest = selectors.cached(
            selectors.public_key("portal:feed-replies"),
            60,
            lambda: selectors.latest_replies(FEED_SIZE),
        )
        replies = [("reply", r.published_on, r) for r in latest]
        items = sorted(proposals + replies, key=lambda item: item[1], reverse=True)
        return items[:FEED_SIZE]

    def item_title(self, item):
        kind, _when, obj = item
        if kind == "proposal":
            return _("%(number)s号：%(title)s") % {"number": obj.number, "title": obj.title}
        proposal = obj.assignment.proposal
        return _("%(agency)s答复%(number)s号：%(title)s") % {
            "agency": obj.assignment.agency.name,
            "number": proposal.number,
            "title": proposal.title,
        }

    def item_description(self, item):
        kind, _when, obj = item
        text = obj.body if kind == "proposal" else (obj.summary or obj.classification_display)
        return Truncator(text).chars(200)

    def item_link(self, item):
        kind, _when, obj = item
        if kind == "proposal":
            return reverse("public:proposal", args=[obj.pk])
        return reverse("public:proposal", args=[obj.assignment.proposal_id]) + f"#reply-{obj.pk}"

    def item_pubdate(self, item):
        return item[1]

    def item_updateddate(self, item):
        return item[1] or timezone.now()
