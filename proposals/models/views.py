import hashlib
import hmac
from datetime import date, timedelta

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def visitor_key(request) -> str:
    """A keyed hash of the client address and user agent: stable for one visitor, and
    no address is ever stored. Behind a proxy, REMOTE_ADDR must be set to the client
    by the proxy (gunicorn --forwarded-allow-ips), never taken from a header we do not
    trust, or anyone could inflate the count with forged X-Forwarded-For values."""
    raw = "{}|{}".format(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", "")[:200]
    )
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, raw.encode(), hashlib.sha256).hexdigest()[:32]


class ProposalViewQuerySet(models.QuerySet):
    def record(self, proposal_id: int, visitor: str, day: date | None = None) -> bool:
        """Count one view of a proposal unless this visitor was counted today.

        INSERT ... ON CONFLICT DO NOTHING claims the day's mark; only the request that
        inserted it adds one to the count, so reloads and concurrent requests from one
        visitor never count twice. On PostgreSQL both go in one statement
        (`counting_select`).
        """
        day = day or timezone.localdate()
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    self.counting_select("SELECT %s::bigint AS id", ""),
                    [proposal_id, visitor, day],
                )
                return cursor.fetchone()[0] == 1
        table, proposals = self._tables()
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (proposal_id, visitor, day) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [proposal_id, visitor, day],
            )
            counted = cursor.rowcount == 1
            if counted:
                cursor.execute(
                    f"UPDATE {proposals} SET view_count = view_count + 1 WHERE id = %s",
                    [proposal_id],
                )
        return counted

    def counting_select(self, found: str, columns: str) -> str:
        """PostgreSQL: one statement that counts a view of the proposal selected by
        `found` (a SELECT with an `id` column, and any others) and returns `columns` of
        it followed by `counted`, 1 if this view counted, else 0. Its parameters are
        those of `found`, then the visitor and the day.

        Committed without waiting for the WAL flush: a view count may lose its last
        fraction of a second in a crash; it is not worth an fsync per page view
        (measured: that capped the detail page at a few dozen requests per second).
        """
        table, proposals = self._tables()
        return (
            "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)),"
            f" found AS ({found}),"
            f" mark AS (INSERT INTO {table} (proposal_id, visitor, day)"
            " SELECT id, %s, %s FROM found ON CONFLICT DO NOTHING RETURNING proposal_id),"
            f" bump AS (UPDATE {proposals} SET view_count = view_count + 1 FROM mark, quick"
            f" WHERE {proposals}.id = mark.proposal_id RETURNING 1)"
            f" SELECT {columns}(SELECT count(*) FROM bump) AS counted FROM found"
        )

    def _tables(self) -> tuple[str, str]:
        proposal = self.model._meta.get_field("proposal").related_model
        return self.model._meta.db_table, proposal._meta.db_table

    def purge(self, *, keep_days: int = 2) -> int:
        """Forget marks older than `keep_days`: only today's marks decide anything."""
        cutoff = timezone.localdate() - timedelta(days=keep_days)
        deleted, _rows = self.filter(day__lt=cutoff).delete()
        return deleted


class ProposalView(models.Model):
    """One visitor's view of one proposal on one day: the view count's dedup mark.

    `visitor` is a keyed hash (HMAC with SECRET_KEY) of the client address and user
    agent, never the address itself. The unique constraint lets an INSERT ... ON CONFLICT
    DO NOTHING decide, in one statement and safely under concurrency, whether this view
    counts; old rows go with `ProposalView.objects.purge()`.
    """

    # No index of its own: the unique constraint's index starts with the proposal.
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("提案"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    visitor = models.CharField(_("访客标识"), max_length=32)
    day = models.DateField(_("日期"), db_index=True)

    objects = ProposalViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("浏览记录")
        verbose_name_plural = _("浏览记录")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "visitor", "day"], name="one_view_per_visitor_day"
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} {self.day}"
