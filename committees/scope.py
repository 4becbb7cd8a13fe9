"""Which committee a piece of work belongs to, when the caller does not name one.

Staff, officers and sponsors work in their own committee (User.committee). An
installation-wide administrator (no committee) works in the installation's first
committee: the city's, where the installation started."""

from committees.models import Committee


def home() -> Committee:
    return Committee.objects.order_by("pk").first()


def of_user(user) -> Committee:
    committee_id = getattr(user, "committee_id", None)
    if committee_id is None:
        return home()
    return user.committee
