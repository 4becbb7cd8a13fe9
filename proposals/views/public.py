from django.core.paginator import Paginator
from django.shortcuts import render

from proposals.models import Proposal


def home(request):
    """The public home page: published proposals, newest first."""
    proposals = Proposal.objects.published().with_list_relations().order_by("-published_at", "-id")
    page = Paginator(proposals, 20).get_page(request.GET.get("page"))
    return render(request, "proposals/public/home.html", {"page": page})
