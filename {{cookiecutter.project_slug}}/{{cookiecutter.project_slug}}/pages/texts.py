"""The texts the pages' script shows, translated on the server into the request's language.

The page carries them as JSON (`json_script`), so that the script needs no catalogue of its own and
`makemessages` finds every text here, beside the texts of the template (templates/pages/page.html).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def page_titles() -> dict[str, str]:
    """The title and heading of each page."""
    return {
        "sign-in": _("Sign in"),
        "sign-up": _("Create an account"),
        "signed-in": _("Signing you in"),
        "activate": _("Activate your account"),
        "reset-password": _("Reset your password"),
        "confirm-email": _("Confirm your new email address"),
        "account": _("Your account"),
    }


def step_titles() -> dict[str, str]:
    """The heading of a login step after the first, by its key."""
    return {
        "verify": _("Enter the code we emailed you"),
        "mfa": _("Confirm it is you"),
        "assertion": _("Use your passkey"),
        "device": _("Enter the code we emailed you"),
    }


def field_labels() -> dict[str, str]:
    """The labels of the fields the pages ask for themselves (a login step's come with its schema)."""
    return {
        "email": _("Email"),
        "new_email": _("New email address"),
        "current_password": _("Current password"),
        "new_password": _("New password"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "totp_code": _("Code from the app"),
        "code_instead": _("Or a code from your authenticator app"),
        "passkey_name": _("Name of the new passkey"),
    }


def page_texts() -> dict[str, Any]:
    """Every text of the script, by key (texts.<key> in static/pages/*.js)."""
    return {
        "titles": page_titles(),
        "steps": step_titles(),
        "fields": field_labels(),
        "account_deleted": _("Your account has been deleted."),
        "activated": _("Your account is active. You can sign in now."),
        "add_passkey": _("Add a passkey"),
        "authenticator_app": _("Authenticator app"),
        "back_to_sign_in": _("Back to sign-in"),
        "cancel": _("Cancel"),
        "cancelled": _("Cancelled."),
        "change_email": _("Change email address"),
        "change_password": _("Change password"),
        "check_inbox_activation": _("Check your inbox: we have sent you a link to activate your account."),
        "check_inbox_email_change": _("Check the new address's inbox: we have sent it a link to confirm the change."),
        "check_inbox_reset": _("If an account has this address, we have sent it a link to choose a new password."),
        "code_sent": _("If an account has this address, we have emailed it a code."),
        "confirm": _("Confirm"),
        "continue": _("Continue"),
        # %(name)s: the provider's name, as options/ lists it.
        "continue_with": _("Continue with %(name)s"),
        "create_account": _("Create an account"),
        "delete_account": _("Delete my account"),
        "delete_intro": _("This deletes your account and signs you out everywhere. It cannot be undone."),
        "email_changed": _("Your email address is changed. Sign in with the new one."),
        "failed": _("Something went wrong. Please try again."),
        "fix": _("Please correct the fields below."),
        "forgot_password": _("Forgot your password?"),
        "have_account": _("Already have an account? Sign in"),
        "how_to_sign_in": _("How do you want to sign in?"),
        "identities": _("Linked accounts"),
        "identity_unlinked": _("The account is unlinked."),
        "last_used": _("Last used:"),
        "link_invalid": _("This link is invalid or has expired."),
        "never": _("never"),
        "new_recovery_codes": _("New recovery codes"),
        "no_identities": _("No linked accounts."),
        "no_passkeys": _("No passkeys yet."),
        "or": _("Or"),
        "or_enter_key": _("Or enter this key in the app:"),
        "passkey_added": _("The passkey is added."),
        "passkey_failed": _("The passkey could not be used."),
        "passkey_removed": _("The passkey is removed."),
        "passkeys": _("Passkeys"),
        "password_changed": _("Your password is changed. Your other sessions are signed out."),
        "password_set": _("Your new password is set. You can sign in with it now."),
        "profile": _("Profile"),
        "qr_alt": _("QR code to scan with an authenticator app"),
        "reauthenticate": _("Confirm it is you"),
        "reauthenticate_intro": _("For this change, enter your password again."),
        "recovery_codes": _("Your recovery codes"),
        "recovery_codes_intro": _(
            "Keep these codes somewhere safe: each signs you in once without the app. They are shown only now."
        ),
        "remove": _("Remove"),
        "required": _("This field is required."),
        "resend_activation": _("Send a new activation link"),
        "reset_intro": _(
            "Enter the email address of your account, and we will email you a link to choose a new password."
        ),
        "save": _("Save"),
        "saved": _("Saved."),
        "scan_qr": _("Scan this QR code with your authenticator app, then enter the code it shows."),
        "second_factors": _("Two-step verification"),
        "send_reset_link": _("Send the link"),
        "session_ended": _("The session is signed out."),
        "sessions": _("Where you are signed in"),
        "set_password": _("Set the password"),
        "set_up": _("Set up"),
        "sign_in": _("Sign in"),
        "sign_in_with_passkey": _("Sign in with a passkey"),
        "sign_out": _("Sign out"),
        "signed_in_as": _("Signed in as"),
        "signed_out": _("You are signed out."),
        "social_failed": _("The sign-in with the provider did not complete."),
        "this_session": _("This session"),
        "totp_enabled": _("The authenticator app is on."),
        "totp_intro": _("Use an authenticator app for a code at each sign-in."),
        "totp_off": _("The authenticator app is off."),
        # %(count)s: how many recovery codes are left.
        "totp_on": _("On. Recovery codes left: %(count)s."),
        "turn_off": _("Turn off"),
        "turn_on": _("Turn on"),
        "unknown_device": _("Unknown device"),
        "unlink": _("Unlink"),
        "use_passkey": _("Use a passkey"),
    }
