from django.apps import AppConfig


class DevicesConfig(AppConfig):
    """Device trust: an emailed code for a password login from a device the account has not used before."""

    name = "{{ cookiecutter.project_slug }}.devices"
    label = "devices"
    verbose_name = "Devices"

    def ready(self) -> None:
        # The `device` step after the scenario's (login/completion.py), registered after the mfa app's `mfa`
        # step (INSTALLED_APPS lists devices later), which it gives way to; forgetting a device with its session;
        # and the part of the personal data export.
        from ..authn.personal_data import register_section
        from ..authn.signals import session_ended
        from ..login.completion import register_requirement
        from .steps import DeviceTrustRequirement
        from .trust import exported_devices, forget_device_of_ended_session

        register_requirement(DeviceTrustRequirement())
        session_ended.connect(forget_device_of_ended_session, dispatch_uid="devices.forget_device_of_ended_session")
        register_section("devices", exported_devices)
