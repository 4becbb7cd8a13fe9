"""The public portal: no login, published proposals and public replies only.

Views are thin: what may be shown comes from proposals.selectors, how a list is narrowed
from proposals.filters, how text is found from proposals.search.
"""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from proposals import search, selectors
from proposals.filters import PublicProposalFilter
from proposals.models import ProposalView
from proposals.models.views import visitor_key
from responses.models import Agency

PAGE_SIZE = 20
HOME_SIZE = 8
HOME_CACHE_SECONDS = 60


def paginate(queryset, request):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page


@require_GET
def home(request):
    """Latest published proposals and replies, a search box, the session's figures."""
    # The figures and the latest replies scan every public reply (Reply has no index on
    # its confirmation time): cached for a minute, which a home page can afford.
    figures = selectors.cached(
        "portal:home-figures",
        HOME_CACHE_SECONDS,
        lambda: selectors.session_figures(selectors.current_session()),
    )
    replies = selectors.cached(
        "portal:home-replies", HOME_CACHE_SECONDS, lambda: selectors.latest_replies(HOME_SIZE)
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
    queryset = selectors.with_public_relations(filterset.qs)
    with search.index_scans(filterset.terms):
        page = paginate(queryset, request)
        page.object_list = list(page.object_list)  # evaluated inside the hint
    for proposal in page.object_list:
        selectors.decorate(proposal)
    search.attach_snippets(page.object_list, filterset.terms)
    return render(
        request,
        "proposals/public/list.html",
        {"filterset": filterset, "form": filterset.form, "page": page},
    )


class _Echo:
    def write(self, value):
        return value


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


def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet program.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(request, queryset, terms):
    # Header in Chinese as the page shows it; a BOM so spreadsheet programs read UTF-8.
    yield "\ufeff"
    writer = csv.writer(_Echo())
    yield writer.writerow([_(h) for h in CSV_HEADER])
    with search.index_scans(terms):
        yield from _csv_body(request, queryset, writer)


def _csv_body(request, queryset, writer):
    for proposal in queryset.iterator(chunk_size=500):
        selectors.decorate(proposal)
        replies = proposal.public_reply_list
        yield writer.writerow(
            _safe_cell(value)
            for value in [
                proposal.session.name,
                proposal.number,
                proposal.get_kind_display(),
                proposal.title,
                proposal.category.name if proposal.category else "",
                "、".join(s.sponsor.name for s in proposal.sponsorships.all()),
                "、".join(
                    f"{a.agency.name}（{a.get_role_display()}）" for a in proposal.live_assignments
                ),
                proposal.get_status_display(),
                "、".join(r.classification_display for r in replies),
                "、".join(f"{timezone.localtime(r.replied_at):%Y-%m-%d %H:%M}" for r in replies),
                f"{timezone.localtime(proposal.published_at):%Y-%m-%d %H:%M}"
                if proposal.published_at
                else "",
                proposal.view_count,
                request.build_absolute_uri(reverse("public:proposal", args=[proposal.pk])),
            ]
        )


@require_GET
def proposal_export(request):
    """The filtered list as CSV, every page of it, streamed in chunks."""
    filterset = _filtered(request)
    queryset = selectors.with_public_relations(filterset.qs)
    response = StreamingHttpResponse(
        _csv_rows(request, queryset, filterset.terms), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="proposals-{stamp}.csv"'
    return response


DETAIL_CACHE_SECONDS = 300


@require_GET
def proposal_detail(request, pk):
    """One query decides publication and gives the live view count; the rest of the page
    (sponsors, body, agencies, replies, files) is rendered once per version and language
    and cached, so a busy proposal costs a row read and the view-count write."""
    proposal = selectors.get_published_row(pk)
    version = proposal.document_updated_at or proposal.updated_at
    key = f"portal:detail:{proposal.pk}:{version.timestamp()}:{get_language()}"

    def render_body():
        selectors.load_public_relations(proposal)
        return render_to_string(
            "proposals/public/_detail_body.html", {"proposal": proposal}, request
        )

    # Our own template's output, escaped when rendered; the cache returns it as a str.
    body = mark_safe(selectors.cached(key, DETAIL_CACHE_SECONDS, render_body))
    if not hasattr(proposal, "labels"):
        selectors.decorate(proposal)  # labels for the title and breadcrumbs (no queries)
    if ProposalView.objects.record(proposal, visitor_key(request)):
        proposal.view_count += 1  # the row was updated with F(); show the same figure
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
    page = paginate(selectors.agency_replies(agency), request)
    return render(
        request,
        "proposals/public/agency_detail.html",
        {"agency": agency, "figures": selectors.agency_figures(agency), "page": page},
    )
