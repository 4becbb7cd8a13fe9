from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal: pages, search, the open-data API and the feed."""

    name = "portal"
    verbose_name = _("公开门户")

    def ready(self):
        from portal import pages, search, selectors
        from proposals.signals import proposal_changed

        proposal_changed.connect(search.proposals_changed, dispatch_uid="search")
        proposal_changed.connect(pages.proposals_changed, dispatch_uid="pages")
        proposal_changed.connect(selectors.proposals_changed, dispatch_uid="caches")

        from django.db.models.signals import post_save

        from committees.models import Committee

        # A committee's names and footer identifiers are on every stored page of it.
        post_save.connect(pages.committee_changed, sender=Committee, dispatch_uid="committee")
