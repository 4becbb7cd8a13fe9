"""Pages of the public lists that cost the same at 100,000 proposals as at 1,000.

Django's Paginator counts every matching row before it fetches page 1, and a count grows
with the list while a page of 20 does not: at 100,000 published proposals the count was
most of the list page's time. So ListPaginator counts in one of two ways:

- Capped (the default, for lists in an indexed order): it counts up to COUNT_LIMIT rows
  and no further. A longer list says "10,000+" (`capped`), and its pages go on for as
  long as there are rows: each page fetches one row more than it shows to know whether
  a next page exists. Page links stay plain ?page=N URLs, the same rows on every visit.
- With the page (`count_with_page`, for orders no index serves, e.g. search relevance or
  view count): such a query reads every matching row to sort them anyway, so the exact
  count comes with the page's rows as a window aggregate, COUNT(*) OVER (), instead of a
  second pass over the same rows.

`object_list` is a queryset, or a source that counts itself (`count_up_to(n)`: at most
n rows) and slices (search.RankedHits); `load` turns a page's rows into what it shows
(search: proposal ids into proposals).
"""

import math
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window

COUNT_LIMIT = 10_000
# Far past any list there will be, and below what OFFSET takes (a 64-bit integer in
# SQLite and PostgreSQL): found by schemathesis, ?page=10**22&sort=-view_count was a 500
# ("datatype mismatch", "bigint out of range") instead of the last page or a 404.
MAX_OFFSET = 2**31
TOTAL = "page_total"  # the window count's name on a page's rows


class ListPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        if self._has_more is not None:
            return self._has_more
        return super().has_next()

    def end_index(self) -> int:
        if not self.object_list:
            return 0
        return self.start_index() + len(self.object_list) - 1


class ListPaginator(Paginator):
    def __init__(
        self,
        object_list,
        per_page: int,
        *,
        count_limit: int | None = None,
        count_with_page: bool = False,
        load=None,
    ):
        super().__init__(object_list, per_page)
        self.count_limit = count_limit or COUNT_LIMIT
        self.count_with_page = count_with_page
        self.load = load
        self.capped = False  # more rows than count_limit: `count` is a lower bound

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "count_up_to"):
            counted = self.object_list.count_up_to(self.count_limit + 1)
        elif self.count_with_page:  # only when a page past the end was asked for
            return self.object_list.order_by().values("pk").count()
        else:
            counted = self.object_list.order_by().values("pk")[: self.count_limit + 1].count()
        if counted > self.count_limit:
            self.capped = True
            return self.count_limit
        return counted

    @property
    def count_label(self) -> str:
        """The count as shown, grouped by thousands (the same in Chinese and English)."""
        return f"{self.count:,}"

    @cached_property
    def num_pages(self) -> int:
        """The pages there are, or when `capped`, the pages there are at least."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page >= MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def get_page(self, number) -> ListPage:
        """As Paginator's: a malformed number gives page 1, one past the end the last."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> ListPage:
        number = self.validate_number(number)
        if self.count_with_page:
            return self._page_with_count(number)
        if number > self.num_pages and not self.capped:
            raise EmptyPage(self.error_messages["no_results"])
        bottom = (number - 1) * self.per_page
        if not self.capped:
            rows = list(self.object_list[bottom : bottom + self.per_page])
            return ListPage(self._load(rows), number, self)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(rows) > self.per_page
        return ListPage(self._load(rows[: self.per_page]), number, self, has_more=more)

    def _page_with_count(self, number: int) -> ListPage:
        bottom = (number - 1) * self.per_page
        counted = self.object_list.annotate(**{TOTAL: Window(Count("*"))})
        rows = list(counted[bottom : bottom + self.per_page])
        if rows:
            first = rows[0]
            self.__dict__["count"] = (
                first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
            )
        elif number > 1 or not self.allow_empty_first_page:
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.__dict__["count"] = 0
        return ListPage(self._load(rows), number, self)

    def _load(self, rows):
        return self.load(rows) if self.load else rows

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """As Paginator's; when `capped`, without the unknown last pages: the first pages,
        the pages around this one that are known to exist, then a gap."""
        if not self.capped:
            yield from super().get_elided_page_range(
                number, on_each_side=on_each_side, on_ends=on_ends
            )
            return
        number = self.validate_number(number)
        # count_limit + 1 rows were counted, so every page up to the one holding that row
        # exists; beyond it only this page (and the next, if this one has more) is known.
        known = max(math.ceil((self.count_limit + 1) / self.per_page), number)
        if number > 1 + on_each_side + on_ends + 1:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, min(number + on_each_side, known) + 1)
        else:
            yield from range(1, min(number + on_each_side, known) + 1)
        yield self.ELLIPSIS
