"""Credentials are masked in every place a URL or a message can carry them."""

import pytest

from warehouse.redact import redact, safe_url


@pytest.mark.parametrize("text, secret", [
    ("postgresql+psycopg://klima:S3cr3t@db.kreis-soest.de:5432/facility", "S3cr3t"),
    ("postgresql+psycopg://klima@db/facility?password=S3cr3t&sslmode=require", "S3cr3t"),
    ("postgresql://klima@db/facility?sslpassword=S3cr3t", "S3cr3t"),
    ("mysql+pymysql://root@db/x?passwd=S3cr3t", "S3cr3t"),
    ("https://api.example/genesis?username=KREIS&password=S3cr3t", "S3cr3t"),
    ("https://hooks.example/notify?token=S3cr3t", "S3cr3t"),
    ("https://api.example/v1?api_key=S3cr3t&page=2", "S3cr3t"),
    ("host=db port=5432 dbname=facility user=klima password='S3 cr3t'", "S3 cr3t"),
    ("connection failed: password=S3cr3t; check the server", "S3cr3t"),
    ("Authorization: Bearer S3cr3tT0ken", "S3cr3tT0ken"),
    ("Could not parse SQLAlchemy URL from string 'postgresql://a:S3cr3t@db/x'", "S3cr3t"),
])
def test_credentials_are_masked(text, secret):
    assert secret not in redact(text) and "***" in redact(text)


def test_everything_else_stays_readable():
    text = "source 'facility_db': reading postgresql+psycopg://klima@db:5432/facility?sslmode=require&page=2 failed"
    assert redact(text) == text
    assert safe_url("postgresql://u:p@h/d?password=x") == "postgresql://u:***@h/d?password=***"
