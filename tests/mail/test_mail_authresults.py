"""Authentication-Results (RFC 8601): only our own server's topmost, aligned pass vouches."""

import pytest

from catalog.mail.authresults import aligned
from catalog.mail.authresults import parse
from catalog.mail.authresults import verdict
from catalog.mail.inbound import parse_message

MX = "mx.catalog.test"


def test_a_header_is_parsed_without_comments_and_with_quoted_values():
    authserv_id, results = parse(
        "MX.Catalog.Test 1; dkim=pass (2048-bit key; secure) header.d=Example.COM "
        'header.s="sel"; spf=fail smtp.mailfrom=a@b.example; dmarc=none'
    )
    assert authserv_id == MX
    assert results == [
        ("dkim", "pass", {"header.d": "example.com", "header.s": "sel"}),
        ("spf", "fail", {"smtp.mailfrom": "a@b.example"}),
        ("dmarc", "none", {}),
    ]


@pytest.mark.parametrize(
    ("signer", "from_domain", "expected"),
    [
        ("example.com", "example.com", True),
        ("example.com", "mail.example.com", True),
        ("@example.com", "example.com", True),
        ("user@example.com", "example.com", True),
        ("mail.example.com", "example.com", False),
        ("com", "example.com", False),
        ("evil.example", "example.com", False),
        ("ample.com", "example.com", False),
    ],
)
def test_relaxed_alignment(signer, from_domain, expected):
    assert aligned(signer, from_domain) is expected


@pytest.mark.parametrize(
    ("headers", "vouched"),
    [
        ([f"{MX}; dkim=pass header.d=example.com"], True),
        ([f"{MX}; dkim=pass header.i=@example.com"], True),
        ([f"{MX}; spf=pass smtp.mailfrom=bounces@example.com"], True),
        ([f"{MX}; dmarc=pass header.from=example.com"], True),
        ([f"{MX}; dkim=pass header.d=evil.example"], False),
        ([f"{MX}; spf=pass smtp.mailfrom=x@evil.example"], False),
        ([f"{MX}; dkim=fail header.d=example.com; spf=softfail smtp.mailfrom=example.com"], False),
        (["mx.evil.example; dkim=pass header.d=example.com"], False),
        # Only the topmost header of a trusted server counts, whatever lies below it.
        ([f"{MX}; dkim=none", f"{MX}; dkim=pass header.d=example.com"], False),
        (["other.test; none", f"{MX}; dkim=pass header.d=example.com"], True),
        ([], False),
    ],
)
def test_verdict(headers, vouched):
    assert verdict(headers, [MX], "ceo@example.com").vouched is vouched


def test_nothing_is_trusted_without_configured_ids():
    result = verdict([f"{MX}; dkim=pass header.d=example.com"], [], "ceo@example.com")
    assert not result.vouched and "no trusted authserv-id" in result.reason


def test_the_parser_keeps_every_authentication_results_header_topmost_first():
    raw = (
        f"Authentication-Results: {MX}; dkim=fail\r\n"
        f"Authentication-Results: {MX}; dkim=pass header.d=example.com\r\n"
        "From: ceo@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
    ).encode()
    message = parse_message(raw)
    assert message.authentication_results == (
        f"{MX}; dkim=fail",
        f"{MX}; dkim=pass header.d=example.com",
    )
    assert not verdict(message.authentication_results, [MX], message.from_address).vouched


def test_many_forged_headers_are_looked_at_only_up_to_a_bound():
    headers = ["forged.example; dkim=pass header.d=example.com"] * 10_000 + [
        f"{MX}; dkim=pass header.d=example.com"
    ]
    assert not verdict(headers, [MX], "ceo@example.com").vouched


REVIEWER_HEADER = (
    "mx.catalog.example.com; spf=fail "
    'smtp.mailfrom="a;dkim=pass header.d=example.com x"@evil.example'
)


def test_a_semicolon_inside_a_quoted_value_does_not_start_a_result():
    authserv_id, results = parse(
        f'{MX}; spf=fail smtp.mailfrom="a;dkim=pass header.d=x"@evil.example'
    )
    assert authserv_id == MX
    assert results == [("spf", "fail", {"smtp.mailfrom": "a;dkim=pass header.d=x@evil.example"})]
    assert not verdict(
        [f'{MX}; spf=fail smtp.mailfrom="a;dkim=pass header.d=example.com x"@evil.example'],
        [MX],
        "staff@example.com",
    ).vouched


def test_the_reviewers_header_is_not_a_pass():
    ids = ["mx.catalog.example.com"]
    result = verdict([REVIEWER_HEADER], ids, "staff@example.com")
    assert not result.vouched
    assert parse(REVIEWER_HEADER)[1] == [
        ("spf", "fail", {"smtp.mailfrom": "a;dkim=pass header.d=example.com x@evil.example"})
    ]


@pytest.mark.parametrize(
    "value",
    [
        f"{MX}; spf=fail (; dkim=pass header.d=example.com) smtp.mailfrom=evil.example",
        f"{MX}; spf=fail (outer (; dkim=pass header.d=example.com) still) smtp.mailfrom=x",
        f"{MX} (; dkim=pass header.d=example.com); none",
        f"{MX}; spf=fail (a \\) ; dkim=pass header.d=example.com) smtp.mailfrom=x",
        f"{MX}; dkim=fail (unclosed; dkim=pass header.d=example.com",
    ],
)
def test_comments_are_never_read_as_results(value):
    assert not verdict([value], [MX], "ceo@example.com").vouched
    assert all(method != "dkim" or result != "pass" for method, result, _ in parse(value)[1])


@pytest.mark.parametrize(
    "value",
    [
        f'{MX}; spf=fail smtp.mailfrom="a\\";dkim=pass header.d=example.com"@evil.example',
        f'{MX}; spf=fail smtp.mailfrom="a\\\\\\";dkim=pass header.d=example.com"@evil.example',
        f'{MX}; spf=fail smtp.mailfrom="unclosed; dkim=pass header.d=example.com',
        f'{MX}; spf=fail reason="x; dkim=pass header.d=example.com"',
    ],
)
def test_escaped_quotes_stay_inside_the_quoted_value(value):
    assert not verdict([value], [MX], "ceo@example.com").vouched
    assert [method for method, _, _ in parse(value)[1]] == ["spf"]


def test_an_escaped_backslash_ends_before_the_closing_quote():
    _, results = parse(f'{MX}; spf=fail smtp.mailfrom="a\\\\"; dkim=pass header.d=example.com')
    assert results == [
        ("spf", "fail", {"smtp.mailfrom": "a\\"}),
        ("dkim", "pass", {"header.d": "example.com"}),
    ]
    assert verdict([f'{MX}; dkim=pass header.d="example.com"'], [MX], "ceo@example.com").vouched


def test_a_quoted_method_or_result_is_not_a_result():
    assert not verdict([f'{MX}; dkim="pass" header.d=example.com'], [MX], "a@example.com").vouched
    assert not verdict([f'{MX}; "dkim"=pass header.d=example.com'], [MX], "a@example.com").vouched


def test_versions_and_folded_whitespace_are_read():
    value = f"{MX} 1;\r\n\tdkim = pass (good)\r\n header.d = example.com ;\r\n spf=none"
    assert parse(value) == (
        MX,
        [("dkim", "pass", {"header.d": "example.com"}), ("spf", "none", {})],
    )
