"""Request parsers that fail with a 400 on any malformed body, however hostile."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]  # not in the 3.18.1 stubs
from rest_framework.utils import json


class DuplicateName(ValueError):
    """A JSON object names the same member twice."""


def unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """One JSON object, refused when a name comes twice (RFC 8259 section 4: the names SHOULD be unique).

    Parsers disagree on which duplicate wins, so a body such as `{"code": "1", "code": "2"}`
    could mean one thing to a proxy that checks it and another to this API.
    """
    members = dict(pairs)
    if len(members) != len(pairs):
        raise DuplicateName("an object has the same name twice")
    return members


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with duplicate names and deeply nested documents refused as malformed.

    `json` recurses once per nesting level, so `[[[[...]]]]` a few thousand levels deep
    raises RecursionError, which DRF does not catch and which would answer 500.
    """

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        # As DRF's JSONParser.parse, with names checked as each object is read.
        encoding = get_encoding(parser_context or {})
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            # A StreamReader reads text, as json.load needs; typeshed types it as a binary stream.
            return json.load(
                decoded_stream,  # type: ignore[arg-type]
                parse_constant=parse_constant,
                object_pairs_hook=unique_names,
            )
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
