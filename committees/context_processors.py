"""The committee a page speaks for, for the site's header and footer (its title and the
identifiers government websites show: 主办单位, 网站标识码, ICP备案号, 公安机关备案号):
the signed-in user's committee, else the installation's first. Read only when a
template uses it."""

from django.utils.functional import SimpleLazyObject

from committees import scope


def committee(request):
    user = getattr(request, "user", None)
    return {"site_committee": SimpleLazyObject(lambda: scope.of_user(user))}
