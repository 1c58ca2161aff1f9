"""What podkb reads from an RSS item and its channel, field by field, and how it refuses a
document that is not a feed or an OPML list: the edge cases of real feeds (RFC 822 and ISO
dates, durations as seconds or clock times, HTML descriptions, people and their roles, the item
key when there is no guid, links that are not http)."""

from __future__ import annotations

import pytest

from podkb.errors import InputError
from podkb.feeds import Person, TranscriptLink, choose_transcripts, parse_feed, parse_opml

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"


def feed(channel: str = "", items: str = "") -> bytes:
    return (
        f'<rss version="2.0" xmlns:itunes="{ITUNES}" xmlns:podcast="{PODCAST}"><channel>'
        f"{channel}{items}</channel></rss>"
    ).encode()


def item(body: str) -> object:
    (only,) = parse_feed(feed(items=f"<item>{body}</item>"), where="f.xml").items
    return only


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "not an RSS 2.0 feed (no <rss> root)"),
        (b"<rss version='2.0'><title>x</title></rss>", "not an RSS 2.0 feed (no <channel>)"),
        (
            b"<rss><channel>",
            "not a well-formed RSS feed (XML: no element found: line 1, column 14)",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel>'
            b"<title>&a;</title></channel></rss>",
            "RSS feed declares entities or a DTD that podkb refuses to expand",
        ),
    ],
)
def test_a_document_that_is_not_a_feed_is_refused_naming_it(data, reason):
    with pytest.raises(InputError) as refused:
        parse_feed(data, where="show.xml")
    assert str(refused.value) == f"show.xml: {reason}"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<rss><channel/></rss>", "not an OPML file (no <opml> root)"),
        (b"<opml><body>", "not a well-formed OPML file (XML: no element found: line 1, column 12)"),
    ],
)
def test_a_document_that_is_not_an_opml_list_is_refused_naming_it(data, reason):
    with pytest.raises(InputError) as refused:
        parse_opml(data, where="subs.opml")
    assert str(refused.value) == f"subs.opml: {reason}"


def test_an_opml_list_without_feed_urls_gives_none():
    data = b'<opml version="2.0"><body><outline text="folder"/><outline xmlUrl="  "/></body></opml>'
    assert parse_opml(data, where="subs.opml") == []


# --- the channel ----------------------------------------------------------------------------------


def test_the_channel_title_language_link_people_and_new_url():
    got = parse_feed(
        feed(
            "<title> My Show </title><language>en-GB</language>"
            "<link>https://example.org/show</link>"
            "<itunes:new-feed-url>https://new.example.org/feed.xml</itunes:new-feed-url>"
            '<podcast:person role="host">Ana</podcast:person>'
            '<podcast:person role="Guest">Ben</podcast:person>'
            '<podcast:person role="cover art designer">Cy</podcast:person>'
            '<podcast:person name="Dee"/>'
            "<podcast:person>  </podcast:person>"
        ),
        where="f.xml",
    )
    assert (got.title, got.language, got.link) == ("My Show", "en-GB", "https://example.org/show")
    assert got.new_feed_url == "https://new.example.org/feed.xml"
    # Hosts and guests speak; a designer does not; a name may be an attribute (early feeds).
    assert got.persons == [Person("Ana", "host"), Person("Ben", "guest"), Person("Dee", "host")]
    assert got.items == []


def test_a_channel_link_that_is_not_http_is_dropped():
    got = parse_feed(feed("<link>javascript:alert(1)</link><title></title>"), where="f.xml")
    assert got.link is None and got.title is None


# --- an item --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pub_date, date",
    [
        ("Tue, 02 Apr 2024 07:00:00 GMT", "2024-04-02"),
        ("Tue, 02 Apr 2024 23:30:00 -0800", "2024-04-02"),  # the feed's own day, not UTC's
        ("2024-04-02T07:00:00Z", "2024-04-02"),
        ("2024-04-02", "2024-04-02"),
        ("April 2nd", None),
        ("", None),
    ],
)
def test_an_items_date_is_its_iso_day(pub_date, date):
    assert item(f"<title>t</title><pubDate>{pub_date}</pubDate>").date == date


@pytest.mark.parametrize(
    "duration, seconds",
    [
        ("3600", 3600.0),
        ("59:30", 3570.0),
        ("1:02:03", 3723.0),
        ("01:02:03.5", 3723.5),
        ("1:2:3:4", None),  # more than hours
        ("-5", None),
        ("an hour", None),
        ("", None),
    ],
)
def test_an_items_duration_is_seconds_from_any_itunes_spelling(duration, seconds):
    got = item(f"<title>t</title><itunes:duration>{duration}</itunes:duration>")
    assert got.duration == seconds


def test_an_items_description_is_plain_text():
    got = item(
        "<title>t</title><description><![CDATA[<p>We talk <b>evals</b> &amp; "
        "benchmarks.</p>\n\n<p>Links:</p>]]></description>"
    )
    assert got.description == "We talk evals & benchmarks. Links:"
    assert item("<title>t</title><description><p> </p></description>").description is None


@pytest.mark.parametrize(
    "body, key",
    [
        ("<guid>g-1</guid><enclosure url='https://h/1.mp3'/><title>T</title>", "g-1"),
        (
            "<enclosure url='https://h/1.mp3'/><link>https://h/1</link><title>T</title>",
            "https://h/1.mp3",
        ),
        ("<link>https://h/1</link><title>T</title>", "https://h/1"),
        ("<title>T</title>", "T"),
        ("<description>only words</description>", ""),
    ],
)
def test_an_items_key_is_its_guid_else_audio_else_link_else_title(body, key):
    assert item(body).key == key


def test_an_items_audio_and_link_are_kept_only_as_http_urls():
    got = item("<title>t</title><enclosure url='file:///etc/passwd'/><link>ftp://h/1</link>")
    assert (got.audio_url, got.link) == (None, None)
    assert got.key == "file:///etc/passwd"  # still what tells the item apart


def test_relative_links_resolve_against_a_web_feed_only():
    body = "<item><title>t</title><enclosure url='ep1.mp3'/><podcast:transcript url='ep1.vtt' type='text/vtt'/></item>"
    web = parse_feed(feed(items=body), where="f", base="https://h/show/feed.xml").items[0]
    assert web.audio_url == "https://h/show/ep1.mp3"
    assert web.transcripts[0].url == "https://h/show/ep1.vtt"
    local = parse_feed(feed(items=body), where="feed.xml").items[0]
    assert local.audio_url is None  # a relative URL from a file is no link anyone can follow
    assert local.transcripts[0].url == "ep1.vtt"


def test_an_items_people_replace_the_channels_and_an_item_may_name_nobody_who_speaks():
    got = parse_feed(
        feed(
            '<title>s</title><podcast:person role="host">Ana</podcast:person>',
            "<item><title>1</title></item>"
            '<item><title>2</title><podcast:person role="guest">Ben</podcast:person></item>'
            '<item><title>3</title><podcast:person role="producer">Cy</podcast:person></item>',
        ),
        where="f.xml",
    )
    first, second, third = got.items
    assert got.people_of(first) == [Person("Ana", "host")]
    assert got.people_of(second) == [Person("Ben", "guest")]
    assert got.people_of(third) == []  # it names its people, and none of them speaks


def test_chapters_are_kept_only_in_a_chapters_type():
    json_chapters = item(
        "<title>t</title><podcast:chapters url='https://h/c.json' type='application/json+chapters'/>"
    )
    assert json_chapters.chapters_url == "https://h/c.json"
    untyped = item("<title>t</title><podcast:chapters url='https://h/c.json'/>")
    assert untyped.chapters_url == "https://h/c.json"
    other = item("<title>t</title><podcast:chapters url='https://h/c.txt' type='text/plain'/>")
    assert other.chapters_url is None


def test_a_changed_item_has_another_digest_and_an_unchanged_one_the_same():
    a = item("<guid>g</guid><title>One</title>")
    b = item("<guid>g</guid><title>One</title>")
    c = item("<guid>g</guid><title>One, edited</title>")
    assert a.digest([]) == b.digest([]) != c.digest([])
    assert a.digest([]) != a.digest([Person("Ana", "host")])  # the people are part of it


# --- which transcript ---------------------------------------------------------------------------


def link(url: str, type_: str | None, lang: str | None = None) -> TranscriptLink:
    return TranscriptLink(url=url, type=type_, language=lang, rel=None)


def test_an_unknown_type_ranks_after_every_known_one_and_ties_keep_the_feed_order():
    links = [
        link("a.bin", "application/octet-stream"),
        link("b.txt", "text/plain"),
        link("c.srt", "application/x-subrip"),
        link("d.vtt", "text/vtt; charset=utf-8"),
        link("e.json", "application/json"),
        link("f.vtt", "TEXT/VTT"),
    ]
    ranked = [x.url for x in choose_transcripts(links, lang=None, channel_lang=None)]
    assert ranked == ["e.json", "d.vtt", "f.vtt", "c.srt", "b.txt", "a.bin"]


def test_a_language_asked_for_that_no_transcript_has_gives_none():
    links = [link("a.vtt", "text/vtt", "en"), link("b.vtt", "text/vtt", "de")]
    assert choose_transcripts(links, lang="fr", channel_lang="en") == []
    # Not asked, a channel language no transcript has falls back to all of them.
    assert len(choose_transcripts(links, lang=None, channel_lang="fr")) == 2
