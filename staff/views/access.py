"""Who may enter the staff area, and how an action reports a refused transition."""

from django.contrib import messages
from django.shortcuts import redirect

from accounts import permissions
from proposals.workflow import TransitionError

# The rule itself lives in accounts.permissions (one module decides every role's access);
# re-exported here because urls_staff and the staff views import it from this module.
staff_required = permissions.staff_required


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
