"""Tests of the account pages (pages/); their journeys in a browser are the template's tests/test_pages.py."""
