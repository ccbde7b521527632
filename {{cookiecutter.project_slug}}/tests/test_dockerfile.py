"""The Dockerfile's build steps work with what the build gives them (no Docker needed to check)."""

import os
import shutil
import subprocess
import sys

from .test_settings import PROJECT_DIR

COLLECTSTATIC = "python manage.py collectstatic --no-input"


def dockerfile_run_instructions() -> list[str]:
    """The RUN instructions of the Dockerfile, each on one line (continuations joined)."""
    text = (PROJECT_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip()[len("RUN ") :] for line in text.splitlines() if line.strip().startswith("RUN ")]


def test_collectstatic_runs_with_only_what_the_image_build_sets(tmp_path):
    [step] = [run for run in dockerfile_run_instructions() if COLLECTSTATIC in run]
    # `python` in the step runs this interpreter, which has the project's dependencies.
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    environment = {
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        # Set by the image's ENV line.
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
    }
    result = subprocess.run(  # noqa: S603 (the Dockerfile's own build step)
        ["/bin/sh", "-c", step.replace(COLLECTSTATIC, f"{COLLECTSTATIC} --dry-run")],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "static files copied" in result.stdout


def test_the_translations_compile_as_the_image_build_compiles_them(tmp_path):
    [step] = [run for run in dockerfile_run_instructions() if "compilemessages" in run]
    package = tmp_path / "package"
    compiled = shutil.ignore_patterns("*.mo", "__pycache__")
    shutil.copytree(PROJECT_DIR / "{{ cookiecutter.project_slug }}", package, ignore=compiled)
    # `django-admin` in the step is this interpreter's, which has the project's dependencies.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    django_admin = bin_dir / "django-admin"
    django_admin.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m django "$@"\n')
    django_admin.chmod(0o755)
    result = subprocess.run(  # noqa: S603 (the Dockerfile's own build step)
        ["/bin/sh", "-c", step],
        cwd=package,
        env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    catalogues = sorted(package.glob("*/locale/*/LC_MESSAGES/django.po"))
    assert catalogues, "every app that has texts ships its translations"
    assert all(po.with_suffix(".mo").is_file() for po in catalogues), "each .po file is compiled"
