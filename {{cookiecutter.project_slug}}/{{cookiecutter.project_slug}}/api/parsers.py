"""Request parsers that fail with a 400 on any malformed body, however hostile."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with deeply nested documents refused as malformed.

    `json` recurses once per nesting level, so `[[[[...]]]]` a few thousand levels deep
    raises RecursionError, which DRF does not catch and which would answer 500.
    """

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
