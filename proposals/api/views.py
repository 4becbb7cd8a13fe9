from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination

from proposals import search, selectors
from proposals.api import serializers
from proposals.filters import PublicProposalFilter
from proposals.models import Category, Session
from responses.models import Agency


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class DecoratingListMixin:
    """Attach the derived public fields (live assignments, public replies, labels) to
    the proposals of the page only, after pagination."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for proposal in page if page is not None else []:
            selectors.decorate(proposal)
        return page


class ProposalList(DecoratingListMixin, generics.ListAPIView):
    """Published proposals, with the list page's filters (`q` searches in Chinese)."""

    serializer_class = serializers.ProposalListSerializer
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicProposalFilter

    def get_queryset(self):
        return selectors.published_proposals()

    def filter_queryset(self, queryset):
        return selectors.with_public_relations(super().filter_queryset(queryset))

    def list(self, request, *args, **kwargs):
        with search.index_scans(search.parse_query(request.query_params.get("q"))):
            return super().list(request, *args, **kwargs)


class ProposalDetail(generics.RetrieveAPIView):
    """One published proposal with its body and its public replies."""

    serializer_class = serializers.ProposalDetailSerializer

    def get_object(self):
        return selectors.get_published_proposal(self.kwargs["pk"])


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
