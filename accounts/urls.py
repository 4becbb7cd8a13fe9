from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import otp_views, views
from accounts.ratelimit import ratelimit

app_name = "accounts"

urlpatterns = [
    # Login is rate limited per IP on top of django-axes' per-user lockout.
    path("login/", ratelimit("login")(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor: verification after the password, enrolment, new backup codes.
    path("otp/verify/", otp_views.verify, name="otp-verify"),
    path("otp/setup/", otp_views.setup, name="otp-setup"),
    path("otp/backup-codes/", otp_views.backup_codes, name="otp-backup-codes"),
    path("after-login/", views.after_login, name="after-login"),
    # Django's own password views; our URLs are namespaced, so each says where to go next.
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        ratelimit("login")(
            views.PasswordResetView.as_view(
                success_url=reverse_lazy("accounts:password_reset_done")
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
