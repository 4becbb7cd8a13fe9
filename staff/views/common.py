"""What staff pages share: rendering with the staff menu, paging, safe "next" links."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

PAGE_SIZE = 25


def staff_render(request, template: str, context: dict, *, section: str):
    """Render a staff page; `section` marks the current item of the staff menu."""
    return render(request, template, {**context, "staff_section": section})


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def redirect_next(request, fallback):
    """Back where the button was pressed (a list or a proposal), never off-site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return fallback


def action_page(
    request,
    *,
    form,
    perform,
    success,
    title: str,
    submit: str,
    back_url: str,
    done_url: str | None = None,
    intro: str = "",
    section: str = "proposals",
    **context,
):
    """A one-form action (reject with a reason, decide a request…): on a valid POST call
    the one service `perform(cleaned_data)`; its refusal shows on the form."""
    from staff.views.access import run_or_report

    if request.method == "POST" and form.is_valid():
        done = run_or_report(
            request, lambda: perform(form.cleaned_data), success=success, form=form
        )
        if done:
            return redirect(done_url or back_url)
    return staff_render(
        request,
        "staff/action_form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back_url": back_url,
            "intro": intro,
            **context,
        },
        section=section,
    )
