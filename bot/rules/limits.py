"""Every limit on what people enter and send, in one place: forms state them, checks
enforce them, and the schema's columns are at least as wide (a test holds it to that)."""

from __future__ import annotations

from datetime import timedelta

# A letter
TITLE_MAX = 150
ADDRESSEE_MAX = 300
# Far longer than any letter's text (the longest we have seen is about 17,000
# characters), but room for one that carries a long list of signers; past this a paste
# has almost surely gone wrong. Counted as a reader reads the text.
BODY_MAX = 150_000
# As posted (escaped, with its links' addresses) a text runs longer than as read; one
# that runs to more than twice as long is not a letter but a paste gone wrong.
BODY_MARKUP_MAX = 2 * BODY_MAX
# Slack's plain_text_input holds at most 3,000 characters (Block Kit reference); longer
# letters come from a message or a file.
BODY_INPUT_MAX = 3000
CHANNELS_MAX = 20
REMINDERS_INPUT_MAX = 100
GOAL_MAX = 100_000
# Deadlines further ahead than this are mistakes (a year typed wrong).
DEADLINE_MAX_AHEAD = timedelta(days=366)

# A letter taken from a file: larger than any letter, even a Word file with a letterhead
# picture in it; a PDF longer than this many pages is a report, not a letter.
FILE_MAX_BYTES = 10_000_000
PDF_PAGES_MAX = 200
# A Word file is a zip of XML parts and pictures. Pictures and fonts barely shrink when
# zipped, so they unpack to about the file's size; a letter's own XML is a few MB at
# most (150,000 characters with every word formatted). Twice the file's cap holds both.
# Past it a file is a zip bomb: 20 MB of XML alone takes about 450 MB once parsed.
DOCX_UNPACKED_MAX = 20_000_000
# A letter in Word is 10 to 20 parts, a few hundred with every picture apart.
DOCX_PARTS_MAX = 1_000
# A Word file's paragraphs, counted as they are read, empty ones too: each with text in
# it adds at least two characters to a letter (one, and a line break), so no letter
# within BODY_MAX has more than half as many. Past this a file is refused, the rest unread.
DOCX_PARAGRAPHS_MAX = BODY_MAX // 2
# Reading a file stops once it has given this much text (as markup; for a PDF, its raw
# text): a draft longer than BODY_MARKUP_MAX is refused as too long anyway. A PDF's
# layout adds spaces, line ends and page numbers, far fewer than a letter's own words.
FILE_TEXT_MAX = BODY_MARKUP_MAX
# A letter file is read in a process of its own (bot.texts.document_reader, started by
# bot.services.documents), held to these.
# Memory is its address space: Python with lxml, python-docx and pypdf loaded takes 52
# MB; reading the largest letters (150,000 characters of Word with lists, links and a
# table; a 200-page PDF) peaks at 55 to 70 MB, a 10 MB Word file with a picture at 95 MB.
# 512 MB is five times the most a letter needs.
READ_MEMORY_BYTES = 512 * 2**20
# CPU: starting Python and its libraries takes 0.2 s, and 50,000 short paragraphs of Word
# read in a second (the most a letter may have, 75,000, in about a second and a half).
# Five seconds is patience enough for a slow PDF, and ends a hostile file in good time.
READ_CPU_SECONDS = 5
# The reader runs at a lower priority than the bot, so it takes the CPU that sign-ons
# leave: under a burst of them, hostile files raised their p99 1.4 times at the bot's own
# priority, about 1.1 times at this one (bench/documents.py).
READ_NICENESS = 10
# Wall-clock: at that priority, a busy machine stretches the reader's CPU time two to
# five times, and a large letter (half a second of CPU) still reads in two or three. Six
# seconds leave room for the download, and for a reader waiting its turn, within the 10
# an organizer should wait at most for the form to say what became of the file.
READ_WALL_SECONDS = 6.0
# Files read at the same time, each by its own process; more wait their turn. Two keep
# the memory they may take to a gigabyte and leave the bot a core on a small machine.
READS_AT_ONCE = 2

# A roster, or sign-ons to import: thousands of rows fit in far less.
CSV_FILE_MAX_BYTES = 5_000_000

# A sign-on
ORGANIZATION_MAX = 200
PERSON_MAX = 100
JOB_TITLE_MAX = 100
PLACE_MAX = 100
EMAIL_MAX = 254
# One person signs for a few organizations at most (their own, a coalition they staff,
# a chapter): past this many on one letter, the next new one waits for an organizer.
ORGANIZATIONS_PER_PERSON = 3
# Why an organizer changed an entry (the audit trail's reason column holds this much).
REASON_MAX = 500
# The word a signer list goes under ("Respectfully submitted,").
CLOSING_MAX = 60
