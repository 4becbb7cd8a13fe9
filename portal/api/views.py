from urllib.parse import quote

from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import InvalidPage, PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from portal import search, selectors
from portal.api import schema as _schema  # noqa: F401 - registers the filter extension
from portal.api import serializers
from portal.filters import PublicProposalFilter
from proposals.models import Category, Session
from responses.models import Agency


class Pagination(PageNumberPagination):
    """Pages of 20; `page_size` asks for up to 100 (more is capped at 100). DRF ignores a
    malformed page_size; here it is a 400 naming the parameter, as the schema says
    (found by schemathesis: ?page_size=null answered 200). An empty value means not
    given, as for the filters (DRF already reads ?page= as the first page)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("每页条数须为正整数（最多 100 条）。")]}
            )
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        """A view that keeps its PublicProposalFilter (ProposalList) is paged as the list
        page is (selectors.public_list_paginator): a count capped at 10,000 rows, or
        counted with the page, and a search ranked within its documents."""
        filterset = getattr(view, "filterset", None)
        if filterset is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        paginator = selectors.public_list_paginator(filterset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            # Found with the index hints (as the list page does); the terms' names and
            # numbers were looked up before them (portal.named: small tables, which a
            # disabled sequential scan would make JIT-compile for 200 ms).
            with search.index_scans(filterset.terms, using=queryset.db):
                self.page = paginator.page(page_number)
                return list(self.page)
        except InvalidPage as exc:
            raise NotFound(_("没有这一页：%(page)s。") % {"page": page_number}) from exc

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        capped = getattr(self.page.paginator, "capped", False)
        response.data = {"count": response.data["count"], "count_capped": capped} | {
            key: value for key, value in response.data.items() if key != "count"
        }
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            "Matching proposals, counted up to 10,000 (1,000 for a search in relevance "
            "order): beyond that `count_capped` is true, `count` is the limit and `next` "
            "goes on while there are more"
        )
        schema["properties"] = {
            "count": schema["properties"]["count"],
            "count_capped": {
                "type": "boolean",
                "description": "More proposals match than `count` says",
            },
        } | {key: value for key, value in schema["properties"].items() if key != "count"}
        schema["required"] = [*schema["required"], "count_capped"]
        return schema

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; "
                    f"more than {self.max_page_size} gives {self.max_page_size})"
                )
        return parameters


class DecoratingListMixin:
    """Attach the derived public fields (live assignments, public replies, labels) to
    the proposals of the page only, after pagination."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for proposal in page if page is not None else []:
            selectors.decorate(proposal)
        return page


NOT_FOUND = OpenApiResponse(
    serializers.ErrorSerializer, description="No published proposal has this id"
)


def _text_parameter(name: str) -> OpenApiParameter:
    """A free-text filter as its form field accepts it: at most max_length characters and
    no NUL (Django refuses it, PostgreSQL cannot store it); anything else is a 400."""
    declared = PublicProposalFilter.base_filters[name]
    return OpenApiParameter(
        name,
        {"type": "string", "maxLength": declared.extra["max_length"], "pattern": "^[^\\x00]*$"},
        description=declared.label,
        allow_blank=True,
    )


@extend_schema(
    parameters=[_text_parameter("q"), _text_parameter("sponsor_name")],
    responses={
        200: serializers.ProposalListSerializer,
        400: OpenApiResponse(
            serializers.VALIDATION_ERROR_SCHEMA,
            description="A filter value is malformed or names no such session, category, "
            "sponsor or agency",
        ),
        404: OpenApiResponse(serializers.ErrorSerializer, description="No such page"),
    },
)
class ProposalList(DecoratingListMixin, generics.ListAPIView):
    """Published proposals, with the list page's filters (`q` searches in Chinese)."""

    serializer_class = serializers.ProposalListSerializer
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicProposalFilter

    def get_queryset(self):
        return selectors.published_proposals()

    def filter_queryset(self, queryset):
        # As DjangoFilterBackend does, keeping the filterset for the paginator.
        self.filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not self.filterset.is_valid():
            raise translate_validation(self.filterset.errors)
        return self.filterset.qs


@extend_schema(responses={200: serializers.ProposalDetailSerializer, 404: NOT_FOUND})
class ProposalDetail(generics.RetrieveAPIView):
    """One published proposal with its body and its public replies."""

    serializer_class = serializers.ProposalDetailSerializer

    def get_object(self):
        try:
            return selectors.get_published_proposal(self.kwargs["pk"])
        except Http404:
            # Not Django's "No Proposal matches the given query.": in the reader's language.
            raise NotFound(_("没有这个 id 的公开提案。")) from None


class SessionList(generics.ListAPIView):
    serializer_class = serializers.SessionSerializer
    queryset = Session.objects.all()
    pagination_class = None


class CategoryList(generics.ListAPIView):
    serializer_class = serializers.CategorySerializer
    queryset = Category.objects.all()
    pagination_class = None


class AgencyList(generics.ListAPIView):
    serializer_class = serializers.AgencySerializer
    queryset = Agency.objects.order_by("name")
    pagination_class = None


# The endpoints the index lists, by URL name (the schema documents each).
INDEX = {
    "proposals": "api:proposal-list",
    "sessions": "api:session-list",
    "categories": "api:category-list",
    "agencies": "api:agency-list",
    "schema": "api:schema",
}


@extend_schema(exclude=True)
class ApiIndex(APIView):
    """/api/v1/: where each endpoint is, the schema and the reference for people."""

    def get(self, request):
        links = {key: reverse(name, request=request) for key, name in INDEX.items()}
        links["docs"] = reverse("public:api-docs", request=request)
        return Response(links)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON when asked for), saved as a file named after the
    API: the title holds Chinese, so the name goes as RFC 6266 filename*=UTF-8''…
    beside an ASCII one (drf-spectacular's filename="建言…" came out RFC 2047-encoded,
    and browsers saved it as "download")."""

    def _get_schema_response(self, request):
        response = super()._get_schema_response(request)
        name = self._get_filename(request, self.api_version)
        suffix = name.rsplit(".", 1)[-1]
        response["Content-Disposition"] = (
            f"inline; filename=\"jianyan-api-v1.{suffix}\"; filename*=UTF-8''{quote(name, safe='')}"
        )
        return response
