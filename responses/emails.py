"""One e-mail builder (healthchecks' hc/lib/emails.py): each kind of mail is a triplet of
templates under templates/emails/ — NAME-subject.txt, NAME-body.txt, NAME-body.html —
rendered in the site's language (zh-hans) whatever language the sender is in.

Building is separate from sending: responses.reminders.send_delivery sends and logs.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from responses.models import DeliveryKind


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build(name: str, context: dict, to: list[str]) -> EmailMultiAlternatives:
    """The message for templates emails/NAME-{subject.txt,body.txt,body.html}."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    # A subject is one line: templates may wrap, headers may not.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=to,
        # Tells auto-responders (out-of-office) not to answer a machine.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _items(notifications) -> list[dict]:
    """Notifications whose words (`.text`) were composed in the mail's language."""
    return [
        {
            "notification": n,
            "title": n.text.title,
            "lines": list(n.text.lines),
            "url": absolute(reverse("notifications:open", args=[n.pk])),
            "overdue": n.reminder.days_left < 0,
        }
        for n in notifications
    ]


def reminder_digest(delivery, notifications) -> EmailMultiAlternatives:
    """每日汇总: everything due for one person on one day, soonest deadline first."""
    items = _items(notifications)
    context = {
        "recipient": delivery.recipient,
        "day": delivery.day,
        "items": items,
        "overdue_count": sum(1 for item in items if item["overdue"]),
        "notifications_url": absolute(reverse("notifications:list")),
    }
    return build("reminder-digest", context, [delivery.recipient.email])


def urgent_reminder(delivery, notifications) -> EmailMultiAlternatives:
    """催办: one assignment, sent at once when staff click 催办."""
    items = _items(notifications)
    context = {"recipient": delivery.recipient, "day": delivery.day, "item": items[0]}
    return build("urgent-reminder", context, [delivery.recipient.email])


def build_delivery(delivery, notifications) -> EmailMultiAlternatives:
    if delivery.kind == DeliveryKind.URGENT:
        return urgent_reminder(delivery, notifications)
    return reminder_digest(delivery, notifications)
