"""Page links for every paginated list (templates/includes/pagination.html)."""

from django import template

register = template.Library()


@register.filter
def page_numbers(page):
    """The page numbers to show: the first and the last, two either side of the current
    page, and Paginator.ELLIPSIS for the gaps. (A loop over every page number took half a
    second at 5,000 pages; a capped portal.pagination.ListPaginator also leaves out the
    last pages, which it does not know.)"""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
