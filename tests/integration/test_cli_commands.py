"""Operator commands that behave alike: `feeds add` checks the feed, OPML in and out,
`events --all`, and one table of exit statuses (0 done, 1 some inputs failed, 2 usage or
configuration error) for every command."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from bot.cli import main
from bot.ingest.errors import FeedError
from bot.ingest.opml import OpmlFeed, read_opml, write_opml

from .conftest import LocalServer

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>  Summit   desk </title>
<item><title>One</title><link>https://example.org/1</link></item>
<item><title>Two</title><link>https://example.org/2</link></item>
</channel></rss>"""
ONE_ENTRY = """<rss version="2.0"><channel><title>Solo</title>
<item><title>One</title><link>https://example.org/solo</link></item></channel></rss>"""
HTML_PAGE = "<!doctype html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"


@pytest.fixture
def cli(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """In-process CLI runs whose fetches may reach the loopback test server."""
    from bot.settings import get_settings

    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("FETCH_TIMEOUT_SECONDS", "5")
    get_settings.cache_clear()
    yield cli_env
    get_settings.cache_clear()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_feeds_add_reports_the_title_and_entry_count(
    cli: str, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add("/rss.xml", RSS)
    solo = server.add("/solo.xml", ONE_ENTRY)
    assert main(["feeds", "add", url]) == 0
    assert main(["feeds", "add", solo]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"added: {url} — Summit desk, 2 entries",
        f"added: {solo} — Solo, 1 entry",
    ]
    assert main(["feeds", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Summit desk; 0 articles; last success never" in listing


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/page.html", HTML_PAGE, "not an RSS or Atom feed"),
        ("/gone.xml", None, "HTTP 404"),
    ],
)
def test_feeds_add_refuses_what_is_not_a_feed(
    cli: str,
    server: LocalServer,
    capsys: pytest.CaptureFixture[str],
    path: str,
    body: str | None,
    reason: str,
) -> None:
    url = server.add(path, body) if body is not None else server.url(path)
    assert main(["feeds", "add", url]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"error: {url}: not added: ") and reason in err, err
    assert main(["feeds", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_feeds_add_refuses_an_unreachable_host_unless_not_checked(
    cli: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    assert main(["feeds", "add", url]) == 1
    assert "not added: " in capsys.readouterr().err
    assert main(["feeds", "add", "--no-check", url]) == 0
    assert capsys.readouterr().out.strip() == f"added (not checked): {url}"


def test_opml_import_then_export_round_trips(
    cli: str, server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = server.add("/rss.xml", RSS)
    bad = server.url("/missing.xml")
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        f"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
        <outline text="News"><outline text="Desk" type="rss" xmlUrl="{good}"/>
        <outline text="Broken" type="rss" xmlUrl="{bad}"/></outline>
        <outline text="Desk again" type="rss" xmlUrl="{good}"/></body></opml>""",
        encoding="utf-8",
    )
    assert main(["feeds", "import", str(opml)]) == 1  # one of two feeds failed
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"added: {good} — Summit desk, 2 entries"]
    assert err.strip() == f"error: {bad}: not added: HTTP 404 Not Found"
    assert main(["feeds", "import", str(opml)]) == 1
    assert f"already subscribed: {good}" in capsys.readouterr().out

    assert main(["feeds", "export"]) == 0
    exported = capsys.readouterr().out.encode("utf-8")
    root = fromstring(exported)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert read_opml(exported) == [OpmlFeed(good, "Summit desk")]

    target = tmp_path / "out.opml"
    assert main(["feeds", "export", "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"1 feed written to {target}"
    assert read_opml(target.read_bytes()) == [OpmlFeed(good, "Summit desk")]


def test_opml_import_without_checks(
    cli: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "feeds.opml"
    urls = [f"http://127.0.0.1:{_closed_port()}/a.xml", "https://example.org/b.xml"]
    opml.write_bytes(write_opml([OpmlFeed(u) for u in urls], _now(), "t"))
    assert main(["feeds", "import", "--no-check", str(opml)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"added (not checked): {u}" for u in urls]


def _now():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2025, 10, 27, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "document",
    [
        b"<opml version='2.0'><body><outline",
        b"<!DOCTYPE x [<!ENTITY a 'b'>]><opml version='2.0'><body/></opml>",
        b"<rss version='2.0'><channel/></rss>",
    ],
)
def test_opml_reader_refuses_broken_or_hostile_files(document: bytes) -> None:
    with pytest.raises(FeedError):
        read_opml(document)


def test_opml_import_of_a_bad_file_fails(
    cli: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text("<html>not opml</html>")
    assert main(["feeds", "import", str(bad)]) == 1
    assert main(["feeds", "import", str(tmp_path / "none.opml")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: {bad}: not an OPML document")
    assert err[1] == f"error: {tmp_path / 'none.opml'}: No such file or directory"


def test_events_all_has_its_own_heading(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--as-of", "2025-10-27T06:00:00Z"]) == 0
    upcoming = capsys.readouterr().out.splitlines()
    assert upcoming == ["Upcoming summits and meetings as of Mon 27 Oct 2025, 06:00 UTC",
                        "(nothing upcoming)"]  # fmt: skip
    assert main(["events", "--all"]) == 0
    everything = capsys.readouterr().out.splitlines()
    assert everything[0] == "All stored summits and meetings, past and cancelled ones too (0)"


SAMPLE = (
    " date 2025-10-20 Leaders plan talks\n\nNorwegian Prime Minister Jonas Gahr Store will meet"
    " Swedish Prime Minister Ulf Kristersson in Oslo on Friday, officials said.\n"
)


def test_events_text_uses_the_bots_date_format(
    cli: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sample.txt").write_text(SAMPLE, encoding="utf-8")
    assert main(["ingest", "--quiet", str(tmp_path / "sample.txt")]) == 0
    capsys.readouterr()
    assert main(["events", "--as-of", "2025-10-20T08:00:00Z"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Fri 24 Oct 2025: Jonas Gahr Store meets Ulf Kristersson — Oslo" in lines
    assert any(line.startswith("    source: Mon 20 Oct 2025 Leaders plan talks") for line in lines)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["feeds", "list"], 0),
        (["feeds", "remove", "https://example.org/none.xml"], 0),
        (["feeds", "add", "--no-check", "https://example.org/a.xml"], 0),
        (["feeds", "add", "ftp://example.org/a.xml"], 1),
        (["feeds", "poll"], 0),
        (["feeds", "export"], 0),
        (["feeds", "import", "{tmp}/none.opml"], 1),
        (["events"], 0),
        (["events", "--as-of", "yesterday"], 2),
        (["db", "upgrade"], 0),
        (["digest", "--chat", "1"], 0),
        (["digest"], 2),
        (["ingest", "--quiet", "{tmp}/sample.txt"], 0),
        (["ingest", "--quiet", "{tmp}/sample.txt", "{tmp}/missing.txt"], 1),
        (["no-such-command"], 2),
        ([], 2),
    ],
)
def test_exit_status_table(
    cli: str, tmp_path: Path, args: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sample.txt").write_text(SAMPLE, encoding="utf-8")
    argv = [arg.format(tmp=tmp_path) for arg in args]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = int(exit_.code or 0)
    assert code == status, capsys.readouterr()
