"""Small builders for parser tests: a region and a delivery from text."""

from sources.parsers.common import Delivery
from sources.region import Region

REGION = Region("05974000", frozenset({"05974004", "05974016", "05974048"}))


def delivery(text: str, name: str = "file.csv", encoding: str = "utf-8", source_id: str = "src") -> Delivery:
    return Delivery(f"{source_id}:0123456789abcdef", source_id, name, text.encode(encoding))
