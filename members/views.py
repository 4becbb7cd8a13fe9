"""The sponsor portal (提案人): my proposals, their replies, and satisfaction with each."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from proposals import policies
from responses import services
from responses.models import Feedback, RenderStatus, Reply, ReplyStatus, Satisfaction

PAGE_SIZE = 20


class FeedbackForm(forms.Form):
    # Three buttons, none chosen until the sponsor chooses (a list would offer 满意 first).
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@permissions.sponsor_required
def my_proposals(request):
    """我的提案: every proposal the user's sponsor leads or co-signs, newest first."""
    proposals = (
        policies.own_proposals(request.user)
        .select_related("session", "category")
        .order_by("-session__year", "-number")
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/my_proposals.html", {"page_obj": page})


@permissions.sponsor_required
def my_proposal(request, pk):
    """One own proposal with its confirmed replies and the sponsor's feedback on each."""
    proposal = get_object_or_404(
        policies.own_proposals(request.user).select_related("session", "category"), pk=pk
    )
    replies = (
        Reply.objects.filter(assignment__proposal=proposal, status=ReplyStatus.CONFIRMED)
        .select_related("assignment__agency")
        .prefetch_related(
            "documents",
            Prefetch(
                "feedback",
                queryset=Feedback.objects.filter(sponsor_id=policies.sponsor_id_of(request.user)),
                to_attr="my_feedback",
            ),
        )
    )
    rows = [
        {
            "reply": reply,
            "feedback": reply.my_feedback[0] if reply.my_feedback else None,
            "letters": [
                document
                for document in reply.documents.all()
                if document.render_status == RenderStatus.READY and document.pdf
            ],
            "form": FeedbackForm(
                prefix=f"r{reply.pk}",
                initial={
                    "satisfaction": reply.my_feedback[0].satisfaction if reply.my_feedback else None
                },
            ),
        }
        for reply in replies
    ]
    return render(request, "accounts/my_proposal.html", {"proposal": proposal, "rows": rows})


@permissions.sponsor_required
@require_POST
def feedback(request, reply_id):
    reply = get_object_or_404(
        Reply.objects.select_related("assignment"),
        pk=reply_id,
        assignment__proposal__in=policies.own_proposals(request.user),
        status=ReplyStatus.CONFIRMED,
    )
    form = FeedbackForm(request.POST, prefix=f"r{reply.pk}")
    if form.is_valid():
        try:
            services.record_feedback(
                reply,
                sponsor=policies.sponsor_of(request.user),
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已记录您的满意度意见，谢谢。"))
    else:
        messages.error(request, _("请选择满意度。"))
    return redirect("members:my-proposal", pk=reply.assignment.proposal_id)
