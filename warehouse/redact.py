"""Credentials never reach text the project writes or sends (console, `.runs/`, Dagster's logs and events,
notifications): `redact` masks, in any text, the password of a URL (`scheme://user:***@host`) and the value of
every credential-like parameter (`password=***`, `?token=***`, `sslpassword=***`, `api_key=***`, ... — in a query
string, a libpq key=value string or a message), and `safe_url` renders a URL that way."""

from __future__ import annotations

import re

MASK = "***"
# a parameter whose name says it holds a credential: password, passwd, pwd, pass, secret, token, key, auth, sig, ...
CREDENTIAL_NAME = r"[A-Za-z0-9_.\-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|" \
                  r"private[_\-]?key|auth\w*|credential\w*|signature|sig|session)[A-Za-z0-9_.\-]*"
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@'\"]*:)(?P<secret>[^\s@'\"]+)(?P<at>@)")
_PARAMETER = re.compile(rf"(?P<head>(?<![A-Za-z0-9_])(?:{CREDENTIAL_NAME})\s*=\s*)(?P<secret>'[^']*'|\"[^\"]*\"|"
                        r"[^\s&;,'\")\]}]+)", re.IGNORECASE)
_BEARER = re.compile(r"(?P<head>\b(?:Bearer|Basic|Token)\s+)(?P<secret>[A-Za-z0-9+/=._~\-]{6,})")


def redact(text: str) -> str:
    """`text` with every URL password and every credential-like `name=value` masked."""
    if not text:
        return text
    text = _USERINFO.sub(lambda m: m["head"] + MASK + m["at"], text)
    text = _PARAMETER.sub(lambda m: m["head"] + MASK, text)
    return _BEARER.sub(lambda m: m["head"] + MASK, text)


def safe_url(url: str) -> str:
    """A URL for messages: its password and every credential-like query parameter masked."""
    return redact(str(url))
