from functools import cache


def notifications(request):
    """`unread_notification_count` for the header. Lazy: the count query runs only on a
    page whose template shows it, and at most once per page."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"unread_notification_count": 0}

    @cache
    def count() -> int:
        from responses.models import Notification

        return Notification.objects.for_user(user).unread().count()

    return {"unread_notification_count": count}
