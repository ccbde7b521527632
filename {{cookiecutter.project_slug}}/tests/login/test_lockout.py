"""Brute-force lockouts: one budget of wrong answers per account and one per client address.

Thresholds are lowered through GATEHOUSE so the tests stay short; the clock of
lockout.py is moved instead of sleeping. A lock answers 429 `locked_out` with
`Retry-After`, before the answer is checked, the same for known and unknown accounts.
Locks grow, the account's count survives them, and past LOCKOUT_ACCOUNT_MAX_FAILURES
only a password reset (or staff) lifts the lock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis.exceptions
from django.core.cache import cache

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import INVALID_CREDENTIALS, LOCKED_OUT
from {{ cookiecutter.project_slug }}.authn.identity import identifier_key
from {{ cookiecutter.project_slug }}.login import lockout as attempts
from {{ cookiecutter.project_slug }}.login.models import AccountLockout
from {{ cookiecutter.project_slug }}.login.tasks import purge_account_lockouts

from ..accounts.helpers import emails_to, reset_params
from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    LoginClient,
    advance_clock,
    assert_complete,
    assert_error,
    emailed_code,
    enable_scenarios,
    other_code,
)

pytestmark = pytest.mark.django_db

ACCOUNT_THRESHOLD = 3
IP_THRESHOLD = 5
COOL_OFF = timedelta(minutes=15)
# The email caps' window is also how long a cap holds (the default, an hour).
EMAIL_WINDOW = timedelta(hours=1)
WRONG = "not the password at all"


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(
        settings,
        *BUILTIN_SCENARIOS,
        LOCKOUT_ACCOUNT_THRESHOLD=ACCOUNT_THRESHOLD,
        LOCKOUT_IP_THRESHOLD=IP_THRESHOLD,
        LOCKOUT_COOL_OFF=COOL_OFF,
    )
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def password_login(login: LoginClient, email: str, password: str, ip: str = "198.51.100.1", **headers: str):
    return login.step("password", {"email": email, "password": password}, REMOTE_ADDR=ip, **headers)


def assert_locked_out(response, cool_off: timedelta = COOL_OFF) -> int:
    """`response` is the lockout answer; returns its Retry-After in seconds, which is within `cool_off`."""
    assert_error(response, 429, LOCKED_OUT)
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= cool_off.total_seconds(), f"Retry-After {retry_after} is not within {cool_off}"
    return retry_after


def test_an_account_is_locked_after_its_threshold_of_failures_from_many_addresses(login):
    user = UserFactory()
    for number in range(ACCOUNT_THRESHOLD):
        assert_error(password_login(login, user.email, WRONG, ip=f"203.0.113.{number + 1}"), 401, INVALID_CREDENTIALS)
    # From yet another address, and with the right password: the lock is checked before the answer.
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="192.0.2.200"))


def test_a_lock_expires_by_itself_after_the_cool_off(login, monkeypatch):
    user = UserFactory()
    for _ in range(ACCOUNT_THRESHOLD):
        password_login(login, user.email, WRONG)
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD))
    advance_clock(monkeypatch, attempts.__name__, COOL_OFF.total_seconds() + 1)
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD), user)


def test_attempts_during_a_lockout_do_not_extend_it(login, monkeypatch):
    user = UserFactory()
    for _ in range(ACCOUNT_THRESHOLD):
        password_login(login, user.email, WRONG)
    first_wait = assert_locked_out(password_login(login, user.email, WRONG))
    advance_clock(monkeypatch, attempts.__name__, COOL_OFF.total_seconds() / 2)
    for _ in range(ACCOUNT_THRESHOLD * 3):
        later_wait = assert_locked_out(password_login(login, user.email, WRONG))
    assert later_wait <= first_wait - COOL_OFF.total_seconds() / 2 + 1, "the lock was moved by attempts during it"
    advance_clock(monkeypatch, attempts.__name__, COOL_OFF.total_seconds() + 1)
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD), user)


def test_one_address_is_locked_after_failures_across_many_accounts(login):
    for number in range(IP_THRESHOLD):
        password_login(login, f"victim{number}@example.com", WRONG, ip="198.51.100.7")
    user = UserFactory()
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="198.51.100.7"))
    # Other addresses are not affected.
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD, ip="198.51.100.8"), user)


def test_a_forged_forwarded_for_header_does_not_dodge_the_per_address_count(login):
    for number in range(IP_THRESHOLD):
        password_login(
            login, f"victim{number}@example.com", WRONG, ip="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )
    assert_locked_out(password_login(login, "victim@example.com", WRONG, ip="198.51.100.7"))
    # The address named in the forged header was never counted.
    user = UserFactory()
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD, ip="10.0.0.1"), user)


def test_with_a_trusted_proxy_the_hop_it_appended_is_the_client(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TRUSTED_PROXY_COUNT": 1}
    proxy = "10.1.1.1"
    for number in range(IP_THRESHOLD):
        # The client writes its own entries on the left; the proxy appends the address it saw.
        forwarded = f"192.0.2.{number}, 203.0.113.9"
        password_login(login, f"victim{number}@example.com", WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    assert_locked_out(password_login(login, "a@example.com", WRONG, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9"))
    user = UserFactory()
    other_client = password_login(login, user.email, DEFAULT_PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert_complete(other_client, user)


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.9.9.9"),
        (1, "192.0.2.1, 198.51.100.2", "198.51.100.2"),
        (2, "192.0.2.1, 198.51.100.2, 203.0.113.3", "198.51.100.2"),
        (2, "198.51.100.2", "10.9.9.9"),
        (1, "not-an-address", "10.9.9.9"),
    ],
)
def test_the_client_address_is_the_trusted_hop_or_remote_addr(rf, settings, hops, forwarded, expected):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TRUSTED_PROXY_COUNT": hops}
    request = rf.post("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert attempts.client_ip(request) == expected


def test_ipv6_clients_are_counted_by_their_slash_64():
    assert attempts.client_key("2001:db8:1:2:aaaa::1") == attempts.client_key("2001:db8:1:2:bbbb::2")
    assert attempts.client_key("2001:db8:1:3::1") != attempts.client_key("2001:db8:1:2::1")


def test_a_success_resets_the_account_count_so_only_consecutive_failures_lock(login):
    user = UserFactory()
    for _ in range(ACCOUNT_THRESHOLD - 1):
        password_login(login, user.email, WRONG, ip="203.0.113.1")
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD, ip="203.0.113.2"), user)
    for _ in range(ACCOUNT_THRESHOLD - 1):
        password_login(login, user.email, WRONG, ip="203.0.113.3")
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD, ip="203.0.113.4"), user)


def test_successes_do_not_count_against_the_address(login):
    user = UserFactory()
    for _ in range(IP_THRESHOLD * 2):
        assert_complete(password_login(login, user.email, DEFAULT_PASSWORD), user)


def test_successes_on_one_account_do_not_reset_the_address_count(login):
    mine = UserFactory()
    for number in range(IP_THRESHOLD):
        password_login(login, f"victim{number}@example.com", WRONG)
        if number < IP_THRESHOLD - 1:
            assert_complete(password_login(login, mine.email, DEFAULT_PASSWORD), mine)
    assert_locked_out(password_login(login, mine.email, DEFAULT_PASSWORD))


def test_a_lockout_answers_the_same_for_a_known_and_an_unknown_account(login):
    user = UserFactory()
    answers = []
    for email, ip in ((user.email, "203.0.113.1"), ("nobody@example.com", "203.0.113.2")):
        for _ in range(ACCOUNT_THRESHOLD):
            password_login(login, email, WRONG, ip=ip)
        answers.append(password_login(login, email, DEFAULT_PASSWORD, ip=ip))
    known, unknown = answers
    assert_locked_out(known)
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert abs(int(known["Retry-After"]) - int(unknown["Retry-After"])) <= 1
    assert set(known.headers) == set(unknown.headers)


def test_wrong_codes_and_wrong_passwords_share_the_account_budget(login):
    user = UserFactory()
    flow = login.step("email-code", {"email": user.email}).json()["flow"]
    wrong = other_code(emailed_code())
    for _ in range(ACCOUNT_THRESHOLD):
        assert login.step("email-code", {"flow": flow, "code": wrong}, REMOTE_ADDR="203.0.113.1").status_code == 401
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="203.0.113.2"))
    assert_locked_out(login.step("email-code", {"email": user.email}, REMOTE_ADDR="203.0.113.3"))


def test_email_code_requests_are_capped_per_address(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EMAIL_ACCOUNT_LIMIT": 2}
    for email in (UserFactory().email, "nobody@example.com"):
        for number in range(2):
            assert login.step("email-code", {"email": email}, REMOTE_ADDR=f"203.0.113.{number}").status_code == 200
        refused = login.step("email-code", {"email": email}, REMOTE_ADDR="203.0.113.99")
        assert_locked_out(refused, cool_off=EMAIL_WINDOW)


def test_login_code_emails_are_capped_per_address_across_scenarios_and_clients(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EMAIL_ACCOUNT_LIMIT": 2}
    user = UserFactory()
    assert login.step("email-code", {"email": user.email}, REMOTE_ADDR="203.0.113.4").status_code == 200
    credentials = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert login.step("password-and-email-code", credentials, REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = login.step("email-code", {"email": user.email}, REMOTE_ADDR="203.0.113.6")
    assert_locked_out(refused, cool_off=EMAIL_WINDOW)


def test_password_reset_emails_have_a_cap_of_their_own_that_login_codes_do_not_use(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EMAIL_ACCOUNT_LIMIT": 2}
    user = UserFactory()
    for number in range(2):
        assert login.step("email-code", {"email": user.email}, REMOTE_ADDR=f"203.0.113.{number}").status_code == 200
    refused = login.step("email-code", {"email": user.email}, REMOTE_ADDR="203.0.113.9")
    assert_locked_out(refused, cool_off=EMAIL_WINDOW)
    for number in range(2):
        reset = login.client.post(
            "/api/auth/password/reset/", {"email": user.email}, format="json", REMOTE_ADDR=f"198.51.100.{number}"
        )
        assert reset.status_code == 200, "login codes used up the address's emails, not its reset emails"
    refused = login.client.post("/api/auth/password/reset/", {"email": user.email}, format="json", REMOTE_ADDR="::1")
    assert_locked_out(refused, cool_off=EMAIL_WINDOW)


def test_emails_are_capped_per_client_address(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EMAIL_IP_LIMIT": 3}
    for number in range(3):
        assert login.step("email-code", {"email": f"someone{number}@example.com"}).status_code == 200
    assert_locked_out(login.step("email-code", {"email": "someone-else@example.com"}), cool_off=EMAIL_WINDOW)


def test_a_password_reset_ends_the_lockout_of_its_account(login, django_capture_on_commit_callbacks):
    user = UserFactory()
    for _ in range(ACCOUNT_THRESHOLD):
        password_login(login, user.email, WRONG)
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD))
    with django_capture_on_commit_callbacks(execute=True):
        assert login.client.post("/api/auth/password/reset/", {"email": user.email}, format="json").status_code == 200
    new_password = "a brand new sturdy lantern"
    confirm = {**reset_params(emails_to(user.email)[-1]), "password": new_password}
    assert login.client.post("/api/auth/password/reset/confirm/", confirm, format="json").status_code == 200
    assert_complete(password_login(login, user.email, new_password), user)


def test_with_the_cache_down_login_fails_closed_with_503(login, monkeypatch):
    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("cache unreachable")

    monkeypatch.setattr(attempts.cache, "get", unreachable)
    login.client.raise_request_exception = False
    response = password_login(login, UserFactory().email, DEFAULT_PASSWORD)
    assert response.status_code == 503, response.content
    assert "access" not in response.json()


def test_an_attacker_who_uses_up_login_codes_and_locks_the_account_leaves_the_owner_a_reset(
    login, settings, django_capture_on_commit_callbacks
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EMAIL_ACCOUNT_LIMIT": 2}
    user = UserFactory()
    attacker, owner = "203.0.113.66", "198.51.100.20"
    while login.step("email-code", {"email": user.email}, REMOTE_ADDR=attacker).status_code == 200:
        pass
    for _ in range(ACCOUNT_THRESHOLD):
        password_login(login, user.email, WRONG, ip=attacker)
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip=owner))
    sent_before = len(emails_to(user.email))
    with django_capture_on_commit_callbacks(execute=True):
        reset = login.client.post("/api/auth/password/reset/", {"email": user.email}, format="json", REMOTE_ADDR=owner)
    assert reset.status_code == 200, reset.content
    assert len(emails_to(user.email)) == sent_before + 1, "the reset email was not sent"
    new_password = "a brand new sturdy lantern"
    confirm = {**reset_params(emails_to(user.email)[-1]), "password": new_password}
    response = login.client.post("/api/auth/password/reset/confirm/", confirm, format="json", REMOTE_ADDR=owner)
    assert response.status_code == 200, response.content
    assert_complete(password_login(login, user.email, new_password, ip=owner), user)


def test_each_lock_lasts_twice_as_long_as_the_one_before_up_to_the_longest(login, settings, monkeypatch):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_MAX_COOL_OFF": COOL_OFF * 4}
    user = UserFactory()
    elapsed = 0.0
    waits = []
    for lock in range(4):
        for number in range(ACCOUNT_THRESHOLD):
            password_login(login, user.email, WRONG, ip=f"203.0.{lock}.{number + 1}")
        waits.append(assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD), cool_off=COOL_OFF * 4))
        elapsed += waits[-1] + 1
        advance_clock(monkeypatch, attempts.__name__, elapsed)
    expected = [COOL_OFF * 1, COOL_OFF * 2, COOL_OFF * 4, COOL_OFF * 4]
    for wait, cool_off in zip(waits, expected, strict=True):
        assert cool_off.total_seconds() - 5 <= wait <= cool_off.total_seconds(), f"locks lasted {waits}s"
    assert_complete(password_login(login, user.email, DEFAULT_PASSWORD), user)


def test_past_the_most_failures_an_account_stays_locked_until_a_password_reset(
    login, settings, monkeypatch, django_capture_on_commit_callbacks
):
    most = ACCOUNT_THRESHOLD * 2
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_ACCOUNT_MAX_FAILURES": most}
    user = UserFactory()
    for number in range(most):
        if number == ACCOUNT_THRESHOLD:
            # Past the first (timed) lock: the count went on from where it was.
            advance_clock(monkeypatch, attempts.__name__, COOL_OFF.total_seconds() + 1)
        assert_error(password_login(login, user.email, WRONG, ip=f"203.0.113.{number + 1}"), 401, INVALID_CREDENTIALS)
    longest = gatehouse_settings.LOCKOUT_MAX_COOL_OFF
    advance_clock(monkeypatch, attempts.__name__, (longest * 3).total_seconds())
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD), cool_off=longest)
    attempts.purge_account_lockouts()
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD), cool_off=longest)
    with django_capture_on_commit_callbacks(execute=True):
        assert login.client.post("/api/auth/password/reset/", {"email": user.email}, format="json").status_code == 200
    new_password = "a brand new sturdy lantern"
    confirm = {**reset_params(emails_to(user.email)[-1]), "password": new_password}
    assert login.client.post("/api/auth/password/reset/confirm/", confirm, format="json").status_code == 200
    assert_complete(password_login(login, user.email, new_password), user)


def test_an_unknown_address_is_locked_until_a_reset_like_an_account(login, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_ACCOUNT_MAX_FAILURES": ACCOUNT_THRESHOLD}
    user = UserFactory()
    answers = []
    for email in (user.email, "nobody@example.com"):
        for number in range(ACCOUNT_THRESHOLD):
            password_login(login, email, WRONG, ip=f"203.0.113.{number + 1}")
        answers.append(password_login(login, email, DEFAULT_PASSWORD, ip="192.0.2.1"))
    known, unknown = answers
    assert_locked_out(known, cool_off=gatehouse_settings.LOCKOUT_MAX_COOL_OFF)
    assert (known.status_code, known.json(), known["Retry-After"]) == (
        unknown.status_code,
        unknown.json(),
        unknown["Retry-After"],
    )


def test_a_lock_survives_a_cache_flush(login):
    user = UserFactory()
    for _ in range(ACCOUNT_THRESHOLD):
        password_login(login, user.email, WRONG)
    # A Redis restart or eviction empties the cache; the account's lock is in the database.
    cache.clear()
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="192.0.2.77"))


def test_the_account_table_names_accounts_by_hash_never_by_address(login):
    user = UserFactory()
    for email in (user.email, "nobody@example.com"):
        password_login(login, email, WRONG)
    keys = set(AccountLockout.objects.values_list("account_key", flat=True))
    assert keys == {identifier_key(user.email), identifier_key("nobody@example.com")}
    assert not any("@" in key for key in keys)


def test_the_daily_purge_deletes_counts_whose_window_is_over_and_keeps_locks(login, settings, monkeypatch):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_ACCOUNT_MAX_FAILURES": ACCOUNT_THRESHOLD}
    password_login(login, "stale@example.com", WRONG)
    for number in range(ACCOUNT_THRESHOLD):
        password_login(login, "locked-until-reset@example.com", WRONG, ip=f"203.0.113.{number + 1}")
    window = gatehouse_settings.LOCKOUT_ACCOUNT_WINDOW
    advance_clock(monkeypatch, attempts.__name__, window.total_seconds() + 60)
    password_login(login, "recent@example.com", WRONG, ip="192.0.2.9")
    purge_account_lockouts.delay()
    left = set(AccountLockout.objects.values_list("account_key", flat=True))
    assert left == {identifier_key("locked-until-reset@example.com"), identifier_key("recent@example.com")}
