"""A letter's markup as the HTML of its web page: what the letter says and how it is laid
out, and never a tag, attribute, script or style the letter itself brings."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup, escape

from bot.rules.letter_text import from_plain, from_slack, link
from bot.rules.mrkdwn import escape as escape_mrkdwn
from bot.rules.mrkdwn import unescape
from bot.texts.letter_html import letter_html
from tests.conftest import FIXTURES

LETTERS = sorted((FIXTURES / "letters").glob("*.txt"))
# The tags the page may hold, and the attributes each may carry.
ALLOWED = {
    "p": set(),
    "br": set(),
    "ul": set(),
    "ol": set(),
    "li": {"value"},
    "strong": set(),
    "em": set(),
    "s": set(),
    "code": set(),
    "a": {"href", "rel"},
}
REL = "nofollow noopener noreferrer"


class Page(HTMLParser):
    """The HTML read as a browser reads it: each tag and attribute, the text, each
    paragraph's and item's text, and the links. Anything outside ALLOWED, an address
    that isn't a web or mail address, and a tag closed out of order fail at once."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.blocks: list[str] = []  # each <p>'s and <li>'s own text
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.counts: dict[str, int] = {}
        self._open: list[str] = []
        self._block: list[list[str]] = []
        self.feed(str(html))  # as a browser gets it: a Markup's slices would escape
        self.close()
        assert not self._open, f"left open: {self._open}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, f"<{tag}>"
        assert {name for name, _ in attrs} <= ALLOWED[tag], f"<{tag} {attrs}>"
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "a":
            found = dict(attrs)
            href = found.get("href") or ""
            assert re.match(r"(?i)(https?|mailto):", href), href
            assert found.get("rel") == REL
            self.links.append((href, ""))
        if tag == "li":
            assert re.fullmatch(r"[0-9]+", dict(attrs).get("value") or "0")
        if tag != "br":
            self._open.append(tag)
        if tag in ("p", "li"):
            self._block.append([])

    def handle_endtag(self, tag: str) -> None:
        assert self._open and self._open[-1] == tag, f"</{tag}> closes {self._open}"
        self._open.pop()
        if tag in ("p", "li"):
            self.blocks.append("".join(self._block.pop()))

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._block:
            self._block[-1].append(data)
        if "a" in self._open:
            href, shown = self.links[-1]
            self.links[-1] = (href, shown + data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment: {data}")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError(f"a declaration: {decl}")

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"a processing instruction: {data}")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError(f"a declaration: {data}")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize(
    ("markup", "html"),
    [
        ("Dear Jane &amp; co,", "<p>Dear Jane &amp; co,</p>"),
        (
            "February 18, 2021\n\nThe Honorable A. Mayorkas\nSecretary\n\n\n\nDear Secretary:",
            "<p>February 18, 2021</p>\n<p>The Honorable A. Mayorkas<br>\nSecretary</p>\n"
            "<p>Dear Secretary:</p>",
        ),
        (
            "*bold* _it_ ~no~ `code` snake_case_name and *_both_*",
            "<p><strong>bold</strong> <em>it</em> <s>no</s> <code>code</code> snake_case_name"
            " and <strong><em>both</em></strong></p>",
        ),
        ("`*as typed*`", "<p><code>*as typed*</code></p>"),
        (
            "see <https://e.org/a?b=1&amp;c=2|the &amp; report>",
            '<p>see <a href="https://e.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            "the &amp; report</a></p>",
        ),
        (
            "<https://e.org/a_b_c> and <mailto:help@e.org>",
            '<p><a href="https://e.org/a_b_c" rel="nofollow noopener noreferrer">'
            "https://e.org/a_b_c</a> and "
            '<a href="mailto:help@e.org" rel="nofollow noopener noreferrer">help@e.org</a></p>',
        ),
        (
            "<https://e.org/_x_/~y~|the *whole* report>",
            '<p><a href="https://e.org/_x_/~y~" rel="nofollow noopener noreferrer">'
            "the *whole* report</a></p>",
        ),
        (
            "*read <https://e.org|our_report>*",
            '<p><strong>read <a href="https://e.org" rel="nofollow noopener noreferrer">'
            "our_report</a></strong></p>",
        ),
    ],
)
def test_paragraphs_lines_emphasis_and_links(markup: str, html: str) -> None:
    """A paragraph for each blank line, a break for each line, mrkdwn's emphasis, and
    links with their labels; underscores in words and addresses are no emphasis."""
    assert letter_html(markup) == Markup(html)


def test_emphasis_inside_its_own_kind_shows_as_written() -> None:
    """Bold inside bold adds nothing, and markers nested thousands deep (as a pasted
    letter can hold) are read without running out of stack."""
    assert letter_html("*a *b* c* and **d**") == Markup(
        "<p><strong>a *b</strong> c* and <strong>*d*</strong></p>"
    )
    deep = letter_html("*_" * 5000 + "x" + "_*" * 5000)
    assert str(deep).count("<strong>") == 1
    assert str(deep).count("<em>") == 1


@pytest.mark.parametrize(
    ("markup", "html"),
    [
        (
            "We ask DHS to:\n• end detention\n• close *all* facilities\nThank you.",
            "<p>We ask DHS to:</p>\n<ul><li>end detention</li><li>close "
            "<strong>all</strong> facilities</li></ul>\n<p>Thank you.</p>",
        ),
        ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
        (
            "• one\n    ◦ two\n        ▪︎ three\n• four",
            "<ul><li>one<ul><li>two<ul><li>three</li></ul></li></ul></li><li>four</li></ul>",
        ),
        (
            "1. first\n2. second\n    1. inner\n3. third",
            "<ol><li>first</li><li>second<ol><li>inner</li></ol></li><li>third</li></ol>",
        ),
        (
            "1. first\n3. third\n\n4. fourth",
            '<ol><li>first</li><li value="3">third</li></ol>\n<ol><li value="4">fourth</li></ol>',
        ),
        ("• bullet\n1. number", "<ul><li>bullet</li></ul><ol><li>number</li></ol>"),
        ("        • too deep at first", "<ul><li>too deep at first</li></ul>"),
        (
            "-5 degrees, 1.5 million and 2021.\n•no space",
            "<p>-5 degrees, 1.5 million and 2021.<br>\n•no space</p>",
        ),
    ],
)
def test_lists(markup: str, html: str) -> None:
    """`•` and `-` lines are a bulleted list, `1.` lines a numbered one, nested by their
    indent; every number reads as the letter wrote it, even one that skips."""
    assert letter_html(markup) == Markup(html)


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
        ("&amp;lt;b&amp;gt; stays as typed", "&lt;b&gt; stays as typed"),
        ("<javascript:alert(1)|click>", "<javascript:alert(1)|click>"),
        ("<JavaScript:alert(1)>", "<JavaScript:alert(1)>"),
        ("<java\tscript:alert(1)|x>", "<java\tscript:alert(1)|x>"),
        ("<data:text/html;base64,PHNjcmlwdD4=|x>", "<data:text/html;base64,PHNjcmlwdD4=|x>"),
        (
            "<vbscript:msgbox(1)|x> <file:///etc/passwd>",
            "<vbscript:msgbox(1)|x> <file:///etc/passwd>",
        ),
        ("<https:> <mailto:|x>", "<https:> <mailto:|x>"),
        (
            "<style>p{display:none}</style> <!-- c --> <![CDATA[x]]>",
            "<style>p{display:none}</style> <!-- c --> <![CDATA[x]]>",
        ),
        ("&#60;img src=x onerror=alert(1)&#62;", "&#60;img src=x onerror=alert(1)&#62;"),
        ("Grüße — 日本語 🙂 \uff1cscript\uff1e", "Grüße — 日本語 🙂 \uff1cscript\uff1e"),
    ],
)
def test_what_is_not_a_link_reads_as_written(markup: str, shown: str) -> None:
    """Tags, comments, entities and links to anything but the web or mail reach the
    reader as the words they are, never as HTML."""
    page = Page(letter_html(markup))
    assert page.links == []
    assert page.text == shown.strip()
    assert page.counts == {"p": 1}


@pytest.mark.parametrize(
    ("markup", "href", "shown"),
    [
        (
            '<https://e.org/"onmouseover="alert(1)|x>',
            'https://e.org/"onmouseover="alert(1)',
            "x",
        ),
        (
            "<https://e.org/' style='color:red|x>",
            "https://e.org/' style='color:red",
            "x",
        ),
        (
            '<https://e.org|"&gt;&lt;img src=x onerror=alert(1)&gt;>',
            "https://e.org",
            '"><img src=x onerror=alert(1)>',
        ),
        (
            "<https://e.org/&quot;&gt;&lt;script&gt;|a>",
            "https://e.org/&quot;><script>",
            "a",
        ),
        ("<HTTPS://E.ORG/x>", "HTTPS://E.ORG/x", "HTTPS://E.ORG/x"),
        ("<mailto:a@e.org?subject=&lt;b&gt;>", "mailto:a@e.org?subject=<b>", "a@e.org?subject=<b>"),
    ],
)
def test_a_link_cannot_break_out_of_its_attribute(markup: str, href: str, shown: str) -> None:
    """Quotes, brackets and entities in an address or label stay inside it: the browser
    reads back the address and the label exactly, and nothing else."""
    page = Page(letter_html(markup))
    assert page.links == [(href, shown)]
    assert page.counts == {"p": 1, "a": 1}


@pytest.mark.parametrize(
    ("url", "label", "links", "text"),
    [
        (
            'https://e.org/"><img src=x onerror=alert(1)>',
            '"><img onerror=alert(1)>',
            [('https://e.org/"%3E%3Cimg src=x onerror=alert(1)%3E', '"><img onerror=alert(1)>')],
            'see "><img onerror=alert(1)> now',
        ),
        ("javascript:alert(document.cookie)", "click", [], "see click now"),
        ("https://e.org/a|b>c", "x & y <b>", [("https://e.org/a%7Cb%3Ec", "x & y <b>")], None),
        (
            "mailto:x@e.org",
            '"><svg onload=alert(1)>',
            [("mailto:x@e.org", '"><svg onload=alert(1)>')],
            None,
        ),
    ],
)
def test_hostile_links_made_as_the_bot_makes_them(
    url: str, label: str, links: list[tuple[str, str]], text: str | None
) -> None:
    """Links made into markup by `letter_text.link`, as a pasted or uploaded letter's
    are, render as a link to a web or mail address, or as their words."""
    page = Page(letter_html(f"see {link(url, label)} *now*"))
    assert page.links == links
    assert page.text == (text or f"see {label} now")


def test_nothing_random_becomes_html() -> None:
    """Thousands of strings of brackets, quotes, entities, markers, list marks and
    scheme names, as markup and as a pasted message made into markup: the page only ever
    holds the allowed tags and attributes, well nested, and web and mail addresses."""
    pieces = [
        *"<>&\"'*_~`|:/= \n\t\\",
        *("&amp;", "&lt;", "&gt;", "&#34;", "\n\n", "• ", "    ◦ ", "1. ", "- "),
        *("javascript", "https", "http", "mailto", "data", "//e.org", "script", "img"),
        *("onerror", "style", "x", "é", "🙂", "\u202e", "<!--", "-->", "]]>"),
    ]
    chosen = random.Random(23)
    for _ in range(3000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randrange(40)))
        for markup in (text, from_slack(text), from_plain(text)):
            html = letter_html(markup)
            try:
                Page(html)
            except AssertionError as problem:
                raise AssertionError(f"{markup!r} -> {html!r}") from problem


def test_the_html_is_markup_a_template_inserts_as_it_is() -> None:
    """Escaping it again (as an autoescaping template does) changes nothing."""
    html = letter_html("Tom &amp; Jerry *say* <https://e.org|hi>")
    assert isinstance(html, Markup)
    assert escape(html) == html
    assert letter_html("") == Markup("")


def slack_encoded(letter: str) -> tuple[str, list[tuple[str, str]]]:
    """A plain-text letter as Slack sends it when the letter is pasted with its links (a
    Markdown `[label](#)` becomes a link to an address of its own), and those links."""
    links: list[tuple[str, str]] = []

    def linked(found: re.Match[str]) -> str:
        if found["address"]:
            links.append((found["address"], found["address"]))
            return f"<{found['address']}>"
        url = f"https://example.org/sources/{len(links) + 1}"
        links.append((url, unescape(found["label"])))
        return f"<{url}|{found['label']}>"

    return MARKDOWN_LINK.sub(linked, escape_mrkdwn(letter)), links


# A link as the letters spell them: `[label](#)`, or an address on its own.
MARKDOWN_LINK = re.compile(r"\[(?P<label>[^]]+)\]\([^)]+\)|(?P<address>https?://[\w./-]+\w)")


@pytest.mark.parametrize("path", LETTERS, ids=lambda path: path.stem)
def test_real_letters_read_paragraph_by_paragraph(path: Path) -> None:
    """Each paragraph of a real letter is one paragraph of the page, its lines broken as
    they were, the same words in the same order, and every link in it goes where the
    letter said."""
    letter = path.read_text(encoding="utf-8")
    encoded, links = slack_encoded(letter)
    page = Page(letter_html(from_slack(encoded)))

    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", letter) if part.strip()]
    assert page.counts["p"] == len(paragraphs)
    assert page.counts.get("br", 0) == sum(part.count("\n") for part in paragraphs)
    for shown, written in zip(page.blocks, paragraphs, strict=True):
        assert words(shown) == words(MARKDOWN_LINK.sub(r"\g<label>\g<address>", written))
    assert page.links == links


def test_a_typed_letter_keeps_every_character() -> None:
    """A letter typed into the form reads on the page character for character, its
    brackets, quotes and ampersands included (only its line breaks become tags)."""
    typed = 'Dear "Jane" & <co>,\n\nWe\'re asking: is 3 < 4 && 5 > 2?\nYes.'
    page = Page(letter_html(from_plain(typed)))
    assert page.blocks == ['Dear "Jane" & <co>,', "We're asking: is 3 < 4 && 5 > 2?\nYes."]
