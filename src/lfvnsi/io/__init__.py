"""Input and output at the edges: configuration files, overrides and the JSON document."""

from lfvnsi.io.config import load_point, parse_override
from lfvnsi.io.document import point_document

__all__ = ["load_point", "parse_override", "point_document"]
