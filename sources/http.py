"""HTTP sources: a GENESIS-Online-style statistics API (table download as flat-file CSV, login from environment
variables, errors reported inside a 200 response) and generic JSON endpoints with paging.

Every request has a timeout, retries with exponential backoff on 5xx and connection errors (honouring
Retry-After), a minimum interval between requests, and — where the server sends an ETag — a conditional request
next time (304: nothing new). All pages are fetched before anything is returned, so a failure lands nothing half.
Credentials come only from the environment and never appear in messages.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from sources.connectors import ConnectorError
from warehouse.redact import safe_url


class HttpClient:
    def __init__(self, source_id: str, *, timeout: float = 30.0, retries: int = 3, backoff: float = 0.5,
                 min_interval: float = 0.0, state_file: Path | None = None):
        self.source_id = source_id
        self.timeout = timeout
        self.min_interval = min_interval
        self.state_file = state_file
        self._last = 0.0
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                      status_forcelist=(500, 502, 503, 504), allowed_methods=("GET",), respect_retry_after_header=True,
                      raise_on_status=False)
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def _state(self) -> dict:
        if self.state_file and self.state_file.exists():
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        return {}

    def get(self, url: str, params: Mapping[str, Any] | None = None, *, conditional: bool = False) -> bytes | None:
        """The response body, or None for 304 Not Modified. Raises ConnectorError with a clear reason."""
        wait = self.min_interval - (time.monotonic() - self._last)
        if wait > 0:
            time.sleep(wait)
        state = self._state()
        headers = {}
        if conditional and url in state:
            headers["If-None-Match"] = state[url]
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, headers=headers)
        except (requests.Timeout, requests.ConnectionError) as exc:
            if isinstance(exc, requests.Timeout) or "timed out" in str(exc):  # urllib3 wraps read timeouts
                raise ConnectorError(f"source {self.source_id!r}: {safe_url(url)} did not answer within "
                                     f"{self.timeout:g} s (after retries)") from None
            raise ConnectorError(f"source {self.source_id!r}: {safe_url(url)} unreachable after retries "
                                 f"({type(exc).__name__})") from None
        finally:
            self._last = time.monotonic()
        if response.status_code == 304:
            return None
        if response.status_code in (401, 403):
            raise ConnectorError(f"source {self.source_id!r}: {safe_url(url)} refused the credentials (HTTP "
                                 f"{response.status_code}); check the environment variables the source names")
        if response.status_code >= 400:
            raise ConnectorError(f"source {self.source_id!r}: {safe_url(url)} answered HTTP {response.status_code} "
                                 "after retries")
        if conditional and "ETag" in response.headers and self.state_file:
            state[url] = response.headers["ETag"]
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps(state, indent=1), encoding="utf-8")
        return response.content


def credentials(source_id: str, env: Mapping[str, str]) -> dict[str, str]:
    """{parameter: value} from environment variables named in configuration ({parameter: VARIABLE})."""
    values = {}
    for parameter, variable in env.items():
        if not os.environ.get(variable):
            raise ConnectorError(f"source {source_id!r}: environment variable {variable} ({parameter}) is not set")
        values[parameter] = os.environ[variable]
    return values


def fetch_genesis_table(client: HttpClient, base_url: str, table: str, login: Mapping[str, str],
                        params: Mapping[str, Any] | None = None) -> list[tuple[str, bytes]]:
    """A GENESIS table as flat-file CSV. GENESIS reports errors as JSON with a Status code, even with HTTP 200."""
    body = client.get(f"{base_url.rstrip('/')}/data/tablefile",
                      {**login, "name": table, "format": "ffcsv", **(params or {})}, conditional=True)
    if body is None:
        return []
    if body.lstrip().startswith(b"{"):
        try:
            status = json.loads(body).get("Status", {})
        except ValueError:
            status = {}
        raise ConnectorError(f"source {client.source_id!r}: GENESIS answered with status {status.get('Code')}: "
                             f"{status.get('Content', 'no table')}")
    return [(f"{table}_flat.csv", body)]


def fetch_json_pages(client: HttpClient, url: str, *, items_key: str = "items", page_param: str = "page",
                     first_page: int = 1, params: Mapping[str, Any] | None = None,
                     max_pages: int = 10_000) -> list[tuple[str, bytes]]:
    """All pages of a JSON endpoint (until a page has no items), landed as one snapshot file."""
    items: list = []
    for page in range(first_page, first_page + max_pages):
        body = client.get(url, {**(params or {}), page_param: page})
        try:
            payload = json.loads(body)
        except ValueError:
            raise ConnectorError(f"source {client.source_id!r}: page {page} of {safe_url(url)} is not JSON") from None
        batch = payload.get(items_key) if isinstance(payload, dict) else None
        if batch is None:
            raise ConnectorError(f"source {client.source_id!r}: page {page} of {safe_url(url)} has no {items_key!r} list")
        if not batch:
            break
        items += batch
    else:
        raise ConnectorError(f"source {client.source_id!r}: {safe_url(url)} still had items after {max_pages} pages")
    name = url.rstrip("/").rsplit("/", 1)[-1] or "items"
    return [(f"{name}.json", json.dumps(items, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"))]
