"""Signing in through the real login pages in a browser, second factor included: staff
and administrators enrol an authenticator at their first login (accounts.otp), so the
helper reads the key the setup page shows and answers with the code an app would."""

from base64 import b32decode

from playwright.sync_api import expect

PASSWORD = "pw-for-tests-1"


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for this base32 key."""
    from django_otp.oath import totp

    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def sign_in(page, login_url: str, username: str, *, lands_on: str, password: str = PASSWORD):
    """Fill the login form at `login_url`; enrol the second factor if asked; wait until
    the browser is at `lands_on` (a glob)."""
    page.goto(login_url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/otp/setup/" in page.url:
        secret = page.locator(".otp-secret").inner_text().replace(" ", "")
        page.fill("#id_token", current_code(secret))
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".otp-codes li")).to_have_count(10)
        page.get_by_role("link", name="继续").click()
    page.wait_for_url(lands_on)
