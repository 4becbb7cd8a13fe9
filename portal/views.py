"""The public portal: no login, published proposals and public replies only.

Views are thin: what may be shown comes from portal.selectors, how a list is narrowed
from portal.filters, how text is found from portal.search.
"""

import csv

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.spreadsheet import safe_cell
from portal import pages, search, selectors
from portal.chips import active_filters
from portal.filters import PublicProposalFilter
from proposals.models import ProposalView, PublicPage
from proposals.models.views import visitor_key
from responses.models import Agency

PAGE_SIZE = 20
HOME_SIZE = 8
HOME_CACHE_SECONDS = 60


@require_GET
def home(request):
    """Latest published proposals and replies, a search box, the session's figures."""
    # The figures and the latest replies scan every public reply (Reply has no index on
    # its confirmation time): cached for a minute, which a home page can afford.
    figures = selectors.cached(
        selectors.public_key("portal:home-figures"),
        HOME_CACHE_SECONDS,
        lambda: selectors.session_figures(selectors.current_session()),
    )
    replies = selectors.cached(
        selectors.public_key("portal:home-replies"),
        HOME_CACHE_SECONDS,
        lambda: selectors.latest_replies(HOME_SIZE),
    )
    return render(
        request,
        "proposals/public/home.html",
        {
            "figures": figures,
            "latest_proposals": selectors.latest_proposals(HOME_SIZE),
            "latest_replies": replies,
        },
    )


def _filtered(request):
    return PublicProposalFilter(request.GET, queryset=selectors.published_proposals())


@require_GET
def proposal_list(request):
    filterset = _filtered(request)
    paginator = selectors.public_list_paginator(filterset, PAGE_SIZE)
    with search.index_scans(filterset.terms):
        page = paginator.get_page(request.GET.get("page"))  # evaluated inside the hint
    for proposal in page.object_list:
        selectors.decorate(proposal)
    search.attach_snippets(page.object_list, filterset.terms)
    return render(
        request,
        "proposals/public/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "chips": active_filters(filterset, request.GET),
        },
    )


class _Buffer:
    """Where csv.writer writes a chunk of rows, handed out as one string."""

    def __init__(self):
        self.parts = []

    def write(self, value):
        self.parts.append(value)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


CSV_HEADER = [
    "届次会议",
    "编号",
    "类型",
    "标题",
    "类别",
    "提案人",
    "承办单位",
    "办理状态",
    "办理类型",
    "答复时间",
    "发布时间",
    "浏览次数",
    "网址",
]
URL_PLACEHOLDER = 999999999  # a proposal id no one has, to split the detail URL at
CSV_PIECE = 500  # rows per piece of the streamed response


def _csv_rows(request, queryset, terms):
    # Header in Chinese as the page shows it; a BOM so spreadsheet programs read UTF-8.
    # Both go out before the first query, then one piece per chunk of proposals.
    buffer = _Buffer()
    writer = csv.writer(buffer)
    writer.writerow([_(h) for h in CSV_HEADER])
    yield "\ufeff" + buffer.take()
    url = request.build_absolute_uri(reverse("public:proposal", args=[URL_PLACEHOLDER]))
    url_start, url_end = url.split(str(URL_PLACEHOLDER))
    labels = selectors.choice_labels()
    kinds, statuses, roles = labels["kind"], labels["status"], labels["role"]
    zone = timezone.get_current_timezone()

    def when(moment):
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else ""

    with search.index_scans(terms):
        for count, row in enumerate(selectors.export_rows(queryset), start=1):
            writer.writerow(
                [
                    safe_cell(value)
                    for value in (
                        row.session,
                        row.number,
                        kinds.get(row.kind, row.kind),
                        row.title,
                        row.category,
                        "、".join(row.sponsors),
                        "、".join(
                            f"{name}（{roles.get(role, role)}）" for name, role in row.agencies
                        ),
                        statuses.get(row.status, row.status),
                        "、".join(f"{c}：{label}".rstrip("：") for c, label, _at in row.replies),
                        "、".join(when(at) for _c, _label, at in row.replies),
                        when(row.published_at),
                        row.view_count,
                        f"{url_start}{row.pk}{url_end}",
                    )
                ]
            )
            if count % CSV_PIECE == 0:
                yield buffer.take()
    yield buffer.take()


@require_GET
def proposal_export(request):
    """The filtered list as CSV, every page of it, streamed in chunks."""
    filterset = _filtered(request)
    response = StreamingHttpResponse(
        _csv_rows(request, filterset.qs, filterset.terms), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="proposals-{stamp}.csv"'
    return response


DETAIL_CACHE_SECONDS = 300


@require_GET
def proposal_detail(request, pk):
    """An anonymous visitor gets the stored page (portal.pages: one statement finds
    it and counts the view); anyone else, or a page not stored yet, is rendered here.
    The signed-in path caches the shared part of the page."""
    language = get_language()
    if pages.servable(request):
        found = pages.visit(pk, language, visitor_key(request))
        html = found.html
        if html is None:
            proposal = pages.load(pk)
            html = pages.render(proposal, request)
            pages.store(
                [
                    PublicPage(
                        proposal=proposal, language=language, version=proposal.version, html=html
                    )
                ]
            )
        return HttpResponse(pages.fill(html, request, found.view_count))

    proposal = pages.load(pk)  # with the same version its stored page goes by
    key = f"portal:detail:{proposal.pk}:{proposal.version.timestamp()}:{language}"

    def render_body():
        selectors.load_public_relations(proposal)
        return render_to_string(
            "proposals/public/_detail_body.html", {"proposal": proposal}, request
        )

    # Our own template's output, escaped when rendered; the cache returns it as a str.
    body = mark_safe(selectors.cached(key, DETAIL_CACHE_SECONDS, render_body))
    if not hasattr(proposal, "labels"):
        selectors.decorate(proposal)  # labels for the title and breadcrumbs (no queries)
    if ProposalView.objects.record(proposal.pk, visitor_key(request)):
        proposal.view_count += 1  # the row was updated; show the same figure
    return render(request, "proposals/public/detail.html", {"proposal": proposal, "body": body})


@require_GET
def agency_list(request):
    return render(
        request,
        "proposals/public/agency_list.html",
        {"agencies": selectors.agencies_with_figures()},
    )


@require_GET
def agency_detail(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    paginator = selectors.agency_reply_paginator(agency, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/public/agency_detail.html",
        {"agency": agency, "figures": selectors.agency_figures(agency), "page": page},
    )
