"""Who may enter the staff area, and how an action reports a refused transition."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from proposals.workflow import TransitionError


def staff_required(view):
    """CPPCC staff only: anonymous visitors go to the login page, everyone else gets 403.

    urls_staff wraps every view in it, so a new URL cannot forget it.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff_member:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.staff_only = True
    return wrapper


def run_or_report(request, perform, *, success, form=None):
    """Call one service; on TransitionError show its message (on the form, or as a flash
    message) and return None. The service's transaction means nothing was half-saved.

    `success` is the message to show, or a function of the service's result giving it.
    """
    try:
        result = perform()
    except TransitionError as exc:
        if form is not None:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            for message in exc.messages:
                messages.error(request, message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True


def back_to(proposal):
    return redirect("staff:proposal-detail", pk=proposal.pk)
