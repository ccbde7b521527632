"""Sign in with an invitation code: login scenarios this project adds to the built-in ones.

Staff give a person the code that `make_invitation(user)` returns. The code signs that
person in once, within a week: logging in changes the account's `last_login`, which
the code names, so a used code no longer matches. `invitation` asks for the code
alone; `password-and-invitation` asks for the account's password first.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing

from {{ cookiecutter.project_slug }}.authn.errors import FactorRejected
from {{ cookiecutter.project_slug }}.login.scenarios import CredentialsStep, Scenario, Step, StepContext
from {{ cookiecutter.project_slug }}.login.scenarios.schemas import object_schema

INVITATION_SALT = "{{ cookiecutter.project_slug }}.invitation"
INVITATION_MAX_AGE = 7 * 24 * 60 * 60


class InvitationInvalid(FactorRejected):
    """A forged, used or expired invitation: a wrong answer, reported like a wrong password."""

    default_code = "invitation_invalid"
    default_detail = "The invitation is invalid, used or expired."
    attr = "invitation"


def make_invitation(user: AbstractBaseUser) -> str:
    """An invitation code for `user`, good until they next log in, for a week at most."""
    return signing.dumps([str(user.pk), str(user.last_login)], salt=INVITATION_SALT)


class InvitationStep(Step):
    """`invitation`: the code that `make_invitation()` made."""

    key = "invitation"

    def get_schema(self) -> dict[str, Any]:
        invitation = {"type": "string", "title": "Invitation code", "minLength": 1, "maxLength": 500}
        return object_schema({"invitation": invitation}, title="Invitation")

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        try:
            user_id, last_login = signing.loads(data["invitation"], salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
        except signing.BadSignature:
            raise InvitationInvalid() from None
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or str(user.last_login) != last_login:
            raise InvitationInvalid()
        context.flow.bind(email=user.email, user_id=str(user.pk))


class InvitationScenario(Scenario):
    """`invitation`: one step, the invitation code."""

    key = "invitation"
    name = "Invitation code"
    steps = (InvitationStep(),)


class PasswordAndInvitationScenario(Scenario):
    """`password-and-invitation`: the account's email and password, then an invitation for that account."""

    key = "password-and-invitation"
    name = "Password, then an invitation code"
    steps = (CredentialsStep(), InvitationStep())


# The tests below drive the scenarios above over HTTP. The code above is in
# docs/custom-scenarios.md, verbatim (the template's tests check that it stays so).

PASSWORD = "a passphrase for this test"


def offer_invitations(settings: Any) -> None:
    """Offer only the scenarios above (pytest-django's `settings` applies override_settings)."""
    scenarios = [f"{__name__}.InvitationScenario", f"{__name__}.PasswordAndInvitationScenario"]
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOGIN_SCENARIOS": scenarios}


def log_in_with(api_client: Any, invitation: Any) -> Any:
    return api_client.post("/api/auth/login/invitation/", {"invitation": invitation}, format="json")


def pass_password_step(api_client: Any, user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    body = {"email": user.email, "password": PASSWORD}
    return api_client.post("/api/auth/login/password-and-invitation/", body, format="json")


def test_options_lists_the_invitation_scenarios(api_client, settings):
    offer_invitations(settings)
    scenarios = api_client.get("/api/auth/options/").json()["scenarios"]
    assert scenarios[0] == {
        "key": "invitation",
        "name": "Invitation code",
        "steps": [{"key": "invitation", "schema": InvitationStep().get_schema()}],
    }
    assert [step["key"] for step in scenarios[1]["steps"]] == ["credentials", "invitation"]


def test_an_invitation_logs_its_user_in(api_client, settings, user):
    offer_invitations(settings)
    response = log_in_with(api_client, make_invitation(user))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "complete"
    assert response.json()["user"]["email"] == user.email


def test_an_invitation_works_once(api_client, settings, user):
    offer_invitations(settings)
    invitation = make_invitation(user)
    assert log_in_with(api_client, invitation).status_code == 200
    response = log_in_with(api_client, invitation)
    assert response.status_code == 401, response.content
    assert response.json()["errors"] == [
        {"code": "invitation_invalid", "detail": "The invitation is invalid, used or expired.", "attr": "invitation"}
    ]


def test_a_forged_invitation_is_refused(api_client, settings, user):
    offer_invitations(settings)
    forged = signing.dumps([str(user.pk), str(user.last_login)], salt="another purpose")
    response = log_in_with(api_client, forged)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == "invitation_invalid"


def test_an_invitation_expires_after_a_week(api_client, settings, user, monkeypatch):
    offer_invitations(settings)
    invitation = make_invitation(user)
    week_later = signing.time.time() + INVITATION_MAX_AGE + 1
    monkeypatch.setattr(signing, "time", type("WeekLater", (), {"time": staticmethod(lambda: week_later)}))
    assert log_in_with(api_client, invitation).status_code == 401


def test_an_inactive_user_hears_account_inactive(api_client, settings, user):
    offer_invitations(settings)
    user.is_active = False
    user.save()
    response = log_in_with(api_client, make_invitation(user))
    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["code"] == "account_inactive"


def test_an_invitation_that_is_not_text_is_a_validation_error(api_client, settings, db):
    offer_invitations(settings)
    response = log_in_with(api_client, ["a", "b"])
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "invitation"


def test_a_wrong_invitation_is_reported_like_a_wrong_password(api_client, settings, db, caplog):
    offer_invitations(settings)
    log_in_with(api_client, "not an invitation")
    assert "Login step failed: scenario=invitation step=invitation code=invitation_invalid" in caplog.text


def test_password_then_invitation_logs_the_user_in(api_client, settings, user):
    offer_invitations(settings)
    first = pass_password_step(api_client, user)
    assert first.status_code == 200, first.content
    assert first.json()["next_step"] == "invitation"
    body = {"flow": first.json()["flow"], "invitation": make_invitation(user)}
    response = api_client.post("/api/auth/login/password-and-invitation/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "complete"


def test_an_invitation_for_another_account_does_not_finish_a_flow(api_client, settings, user, django_user_model):
    offer_invitations(settings)
    someone_else = django_user_model.objects.create_user("someone.else@example.com")
    flow = pass_password_step(api_client, user).json()["flow"]
    body = {"flow": flow, "invitation": make_invitation(someone_else)}
    response = api_client.post("/api/auth/login/password-and-invitation/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "flow_invalid"
