"""Helpers for the template's tests: render with the cookiecutter CLI, run what a user runs, read what it writes."""
