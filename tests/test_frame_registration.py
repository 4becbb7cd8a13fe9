"""Login, logout, lockout and password pages: clear Chinese, accessible forms."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

# --- Login --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_with_labelled_fields(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert "<h1" in content and "登录" in content
    assert re.search(r'<label for="id_username">用户名[:：]</label>', content)
    assert re.search(r'<label for="id_password">密码[:：]</label>', content)
    assert 'autocomplete="current-password"' in content


@pytest.mark.django_db
def test_wrong_credentials_get_a_clear_chinese_error(client, bob):
    response = client.post(
        reverse("accounts:login"), {"username": "bob", "password": "not-the-password"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'<div class="form-errors" role="alert">\s*<p>用户名或密码不正确', content)
    assert 'value="bob"' in content  # the username stays filled in


@pytest.mark.django_db
def test_right_credentials_lead_on_to_the_users_start_page(client, bob):
    response = client.post(
        reverse("accounts:login"), {"username": "bob", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:after-login")


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_login_with_a_chinese_explanation(client, bob, settings):
    settings.AXES_ENABLED = True
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "bob", "password": "wrong"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录已被暂时锁定" in content
    assert f"连续 {settings.AXES_FAILURE_LIMIT} 次" in content
    assert "请 15 分钟后再试" in content
    # Even the right password is refused while the lock holds.
    response = client.post(
        reverse("accounts:login"), {"username": "bob", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_login_page_offers_password_reset_once_the_route_exists(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}">忘记密码？' in content


# --- Logout and password change in the admin (the same templates) ---------------------------


@pytest.mark.django_db
def test_the_logged_out_page_wears_the_sites_frame(client, admin_user, settings):
    settings.LOGOUT_REDIRECT_URL = None  # else LogoutView redirects and shows no page
    client.force_login(admin_user)
    response = client.post(reverse("admin:logout"))
    content = response.content.decode()
    assert "您已退出登录" in content
    assert 'class="skip-link"' in content  # the site's frame, not a bare page


@pytest.mark.django_db
def test_changing_a_password_in_the_admin_uses_the_sites_form(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:password_change")
    assert "请先输入当前密码" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "Xin-mima-2025!",
            "new_password2": "Xin-mima-2025!",
        },
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password("Xin-mima-2025!")


@pytest.mark.django_db
def test_a_mismatched_new_password_is_tied_to_its_field(client, bob):
    client.force_login(bob)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-for-tests-1", "new_password1": "Abc-12345x", "new_password2": "x"},
    )
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert 'id="id_new_password2_error"' in content


# --- Password reset by e-mail ---------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_sends_a_chinese_email_with_a_working_link(client, bob):
    response = client.post(reverse("accounts:password_reset"), {"email": bob.email}, follow=True)
    assert "请查收邮件" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "建言：重置您的登录密码"
    assert message.to == [bob.email]
    assert "李联络员，您好：" in message.body
    assert "您的用户名：bob" in message.body
    site = re.escape(settings.SITE_URL)
    link = re.search(site + r"(/accounts/password/reset/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    assert "设置新密码" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Xin-mima-2025!", "new_password2": "Xin-mima-2025!"},
        follow=True,
    )
    assert "密码已重置" in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password("Xin-mima-2025!")


@pytest.mark.django_db
def test_a_used_or_forged_reset_link_says_it_is_invalid(client):
    url = reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"])
    content = client.get(url).content.decode()
    assert "该重置密码链接无效" in content
    assert f'href="{reverse("accounts:password_reset")}"' in content


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert "请查收邮件" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reset_link_comes_from_site_url_not_the_host_header(client, bob, settings):
    """Host header poisoning: the link a real user gets must lead to our site."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://jianyan.example.org"
    client.post(reverse("accounts:password_reset"), {"email": bob.email}, HTTP_HOST="evil.example")
    (message,) = mail.outbox
    assert "evil.example" not in message.body
    assert "https://jianyan.example.org/accounts/password/reset/" in message.body
