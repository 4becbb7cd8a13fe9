def navigation(request):
    """Which parts of the site the header offers to the current user."""
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "nav_is_staff": authenticated and user.is_staff_member,
        "nav_is_officer": authenticated and user.is_officer,
        "nav_is_sponsor": authenticated and user.is_sponsor_user,
    }
