"""The roster from Slack (`/letter roster` with Slack's file input), who is missing
(`/letter missing`), chasing them (`/letter chase`, the DM's Sign on and Don't remind
me), and the App Home for an organizer and for a member."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import sqlalchemy as sa

from bot.rules.forms import SignonField
from bot.slack.blocks.chase import CHASE_OPT_OUT_ACTION, CHASE_SIGN_ON_ACTION
from bot.slack.blocks.home import (
    HOME_CLOSE_ACTION,
    HOME_EXPORT_ACTION,
    HOME_HELP_ACTION,
    HOME_MISSING_ACTION,
    HOME_NEW_LETTER_ACTION,
    HOME_VIEW_POST_ACTION,
    HOME_WITHDRAW_ACTION,
)
from bot.slack.blocks.reading import READ_LETTER_ACTION
from bot.slack.blocks.reviews import MERGE_ACTION
from bot.slack.blocks.roster import (
    OTHER_MEMBER_ACTION,
    ROSTER_FILE_ACTION,
    ROSTER_FILE_BLOCK,
    SAME_MEMBER_ACTION,
)
from bot.storage import Store
from bot.storage.schema import deliveries, scheduled_jobs
from tests.conftest import LEAD, MEMBER, ORGANIZER
from tests.fake_slack import FakeSlack, Message
from tests.helpers import all_text, ask, coalition, export_with_form, post_letter, signon, withdraw
from tests.slack_driver import SlackDriver

ROSTER = (
    b"Organization,State,Type,Slack ID,Email\n"
    b"Make the Road New York,NY,state,UMRNY,\n"
    b"CASA,MD,state,,casa@example.org\n"
    b"CHIRLA,CA,state,UCHIRLA,\n"
    b"Texas Civil Rights Project,TX,state,,nobody@example.org\n"
)


@pytest.fixture(autouse=True)
async def letter_in_coalition(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    coalition(fake_slack)
    fake_slack.join(MEMBER, "CCOALITION")
    fake_slack.add_user("UCASA", name="cas", real_name="Cas Casa", email="casa@example.org")
    await post_letter(slack, fake_slack, leads=[LEAD])


async def upload_roster(slack: SlackDriver, fake: FakeSlack, data: bytes = ROSTER) -> str:
    """/letter roster, then the file through the form's file input; the form's answer."""
    before = len(fake.calls_to("views.open"))
    await slack.command("/letter", "roster", user=ORGANIZER, channel="CCOALITION")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > before)
    form = fake.calls_to("views.open")[-1].args["view"]
    updates = len(fake.calls_to("views.update"))
    file = fake.upload_for_input("roster.csv", data)
    values = {ROSTER_FILE_BLOCK: {ROSTER_FILE_ACTION: {"type": "file_input", "files": [file]}}}
    reply = await slack.submit_view(form, values, user=ORGANIZER)
    assert reply.status == 200 and reply.json()["response_action"] == "update"

    def shown() -> str:
        if len(fake.calls_to("views.update")) <= updates:
            return ""
        view = fake.calls_to("views.update")[-1].args["view"]
        return " ".join(b["text"]["text"] for b in view["blocks"] if "text" in b)

    # The form shows the roster loaded, then what Slack said of its emails.
    await fake.wait_for(lambda: shown() and "so far" not in shown())
    return shown()


def chases(fake: FakeSlack, user: str) -> list[Message]:
    return [m for m in fake.messages if m.channel == user and CHASE_OPT_OUT_ACTION in str(m.blocks)]


def texts(view: dict[str, Any] | None) -> str:
    return str(view)


async def test_the_roster_is_uploaded_in_slack_and_importing_it_again_adds_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    answer = await upload_roster(slack, fake_slack)
    assert "Roster loaded: 4 added, 0 updated, 0 unchanged. It has 4 member" in answer
    assert "No Slack account found for nobody@example.org" in answer
    assert "through Slack Connect" in answer and "Slack member ID" in answer
    # The form may be closed by the time the emails are looked up: the report comes by DM.
    await fake_slack.wait_for(
        lambda: any("nobody@example.org" in m.text for m in fake_slack.ephemeral_to(ORGANIZER))
    )
    members = {m.name: m for m in await store.roster.members()}
    assert members["CASA"].user_ids == ("UCASA",)  # found with users.lookupByEmail
    answer = await upload_roster(slack, fake_slack)
    assert "0 added, 0 updated, 4 unchanged" in answer
    # The form shows who is on it; someone not an organizer can't open it.
    await slack.command("/letter", "roster", user=ORGANIZER, channel="CCOALITION")
    await fake_slack.wait_for(
        lambda: "4 member organizations" in str(fake_slack.calls_to("views.open")[-1].args)
    )
    refused = await ask(slack, fake_slack, "roster", user=MEMBER)
    assert "Only organizers can keep the coalition's roster" in refused["text"]
    assert not fake_slack.rejected


async def test_a_file_that_is_not_a_roster_is_explained_in_the_form(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    answer = await upload_roster(slack, fake_slack, b"Email,Phone\nx@y.org,555\n")
    assert "I couldn't read that roster" in answer and "Organization" in answer
    assert await store.roster.members() == []


async def test_missing_lists_who_has_not_signed_and_chase_dms_their_contacts_once(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    no_roster = await ask(slack, fake_slack, "missing")
    assert "no roster yet" in no_roster["text"]
    await upload_roster(slack, fake_slack)
    await signon(slack, fake_slack, "Make the Road NY", user="USOMEONE")
    await signon(slack, fake_slack, "CASA", user="UCASA")
    await withdraw(slack, fake_slack, user="UCASA")

    missing = await ask(slack, fake_slack, "missing")
    text = str(missing["blocks"])
    assert "1 of 4 member organizations signed; 3 missing" in missing["text"]
    assert "• CASA (MD) · _withdrew_" in text and "• CHIRLA (CA)" in text
    assert "• Texas Civil Rights Project (TX) · _no Slack contact_" in text
    assert "Make the Road" not in text.split("Not signed")[1]

    refused = await ask(slack, fake_slack, "chase", user=MEMBER)
    assert "Only organizers and the leads of letter #1 can chase" in refused["text"]
    answer = await ask(slack, fake_slack, "chase", user=LEAD)
    assert "Chasing 3 member organizations" in answer["text"]
    await fake_slack.wait_for(lambda: chases(fake_slack, "UCHIRLA") and chases(fake_slack, "UCASA"))
    assert chases(fake_slack, "UMRNY") == []

    # Sign on, from the chase: the form, with their organization in it.
    (dm,) = chases(fake_slack, "UCHIRLA")
    sign_on = next(
        e
        for b in dm.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(CHASE_SIGN_ON_ACTION)
    )
    opened = len(fake_slack.calls_to("views.open"))
    await slack.press(sign_on["action_id"], sign_on["value"], user="UCHIRLA", channel="DUCHIRLA")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    form = fake_slack.calls_to("views.open")[-1].args["view"]
    organization = next(b for b in form["blocks"] if b.get("block_id") == SignonField.ORGANIZATION)
    assert organization["element"]["initial_value"] == "CHIRLA"

    # Read the full letter, from the chase (the contact may not be in its channel) and
    # from the form, over which it opens.
    preview = next(
        b for b in dm.blocks if b.get("accessory", {}).get("action_id") == READ_LETTER_ACTION
    )
    assert preview["text"]["text"].startswith("To: ")
    await slack.press(READ_LETTER_ACTION, "1", user="UCHIRLA", channel="DUCHIRLA")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened + 1)
    full = fake_slack.calls_to("views.open")[-1].args["view"]
    assert full["title"]["text"] == "The letter" and "Act." in str(full["blocks"])
    assert any(
        b.get("accessory", {}).get("action_id") == READ_LETTER_ACTION for b in form["blocks"]
    )
    pushed = len(fake_slack.calls_to("views.push"))
    await slack.press_in_view(form, READ_LETTER_ACTION, "1", user="UCHIRLA")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.push")) > pushed)
    assert fake_slack.calls_to("views.push")[-1].args["view"]["title"]["text"] == "The letter"

    # Don't remind me: the DM says so in place of its buttons, and the next chase skips them.
    before = len(fake_slack.responses)
    await slack.press(CHASE_OPT_OUT_ACTION, "1", user="UCASA", channel="DUCASA")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    assert fake_slack.responses[-1]["replace_original"] is True
    assert "no more reminders" in fake_slack.responses[-1]["text"]
    # A chase moments later reaches nobody: each contact hears at most one a day.
    again = await ask(slack, fake_slack, "chase", user=LEAD)
    assert "a DM now to each of 0 Slack contacts" in again["text"]
    assert "2 contacts heard from us about it less than 20 hours ago" in again["text"]
    assert "the next chase can reach 2 of them from <!date^" in again["text"]
    await settled(store)
    assert len(chases(fake_slack, "UCHIRLA")) == 1 and len(chases(fake_slack, "UCASA")) == 1
    assert not fake_slack.rejected


async def settled(store: Store) -> None:
    """Wait until every planned job has gone out and every delivery is done with."""
    for _ in range(500):
        async with store.engine.connect() as conn:
            busy = await conn.execute(
                sa.select(sa.func.count()).select_from(
                    sa.union_all(
                        sa.select(scheduled_jobs.c.id).where(
                            scheduled_jobs.c.state == "pending",
                            scheduled_jobs.c.kind == "chase",
                            scheduled_jobs.c.due_at <= sa.func.current_timestamp(),
                        ),
                        sa.select(deliveries.c.id).where(
                            deliveries.c.state.in_(("pending", "sending"))
                        ),
                    ).subquery()
                )
            )
            if busy.scalar() == 0:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the schedule never settled")


async def home_of(slack: SlackDriver, fake: FakeSlack, user: str) -> dict[str, Any]:
    before = len(fake.calls_to("views.publish"))
    reply = await slack.open_home(user)
    assert reply.status == 200
    await fake.wait_for(lambda: len(fake.calls_to("views.publish")) > before)
    home = fake.home_of(user)
    assert home is not None
    return home


async def test_a_members_home_shows_letters_to_sign_and_follows_their_sign_on(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    outsider = await home_of(slack, fake_slack, "UOUTSIDER")
    assert "Protect our communities" not in texts(outsider)  # not in its channels
    home = await home_of(slack, fake_slack, MEMBER)
    assert "Letters to sign" in texts(home) and "Protect our communities" in texts(home)
    assert "What you signed" not in texts(home)
    published = len(fake_slack.calls_to("views.publish"))
    await signon(slack, fake_slack, "Florida Immigrant Coalition")
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.publish")) > published)
    await fake_slack.wait_for(lambda: "What you signed" in texts(fake_slack.home_of(MEMBER)))
    assert "Signed for *Florida Immigrant Coalition*" in texts(fake_slack.home_of(MEMBER))

    await slack.press_in_home(HOME_WITHDRAW_ACTION, "1", user=MEMBER)
    await fake_slack.wait_for(lambda: "is withdrawn" in texts(fake_slack.home_of(MEMBER)))
    # The refresh the withdrawal brings a moment later keeps what it said at the top.
    shown = len(fake_slack.calls_to("views.publish"))
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.publish")) > shown)
    assert "is withdrawn" in texts(fake_slack.home_of(MEMBER))
    assert "What you signed" not in texts(fake_slack.home_of(MEMBER))
    # Each publish after the first names the view it replaces.
    publishes = [c for c in fake_slack.calls_to("views.publish") if c.args["user_id"] == MEMBER]
    assert all(c.args.get("hash") for c in publishes[1:])
    assert not fake_slack.rejected


async def test_a_home_published_meanwhile_is_never_overwritten_by_an_older_one(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Another publish (another replica's) since ours: Slack refuses ours with
    hash_conflict, and the Home is built afresh from what is stored and published."""
    await home_of(slack, fake_slack, MEMBER)
    current = fake_slack.home_of(MEMBER)
    assert current is not None
    newer = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
    }
    fake_slack.homes[MEMBER] = {**current, "hash": "newer-hash", "blocks": newer["blocks"]}
    await signon(slack, fake_slack, "Florida Immigrant Coalition")
    await fake_slack.wait_for(
        lambda: "Signed for *Florida Immigrant Coalition*" in texts(fake_slack.home_of(MEMBER))
    )
    codes = [c.error for c in fake_slack.calls_to("views.publish")]
    assert "hash_conflict" in codes and codes[-1] is None


async def test_an_organizers_home_shows_their_drives_and_decides_a_pair(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    await upload_roster(slack, fake_slack)
    await signon(slack, fake_slack, "Coalition for Humane Immigrant Rights", user="U1")
    await signon(slack, fake_slack, "CHIRLA", user="U2")
    home = await home_of(slack, fake_slack, LEAD)
    shown = texts(home)
    assert "Your letters" in shown and "*2* signed" in shown
    assert "1 of 4 member organizations signed; 3 missing" in shown
    assert HOME_EXPORT_ACTION in shown and MERGE_ACTION in shown

    await slack.press_in_home(MERGE_ACTION, "1", user=LEAD)
    await fake_slack.wait_for(lambda: "One organization now" in texts(fake_slack.home_of(LEAD)))
    assert "*1* signed" in texts(fake_slack.home_of(LEAD))

    before = len(fake_slack.shared_files)
    await slack.press_in_home(HOME_EXPORT_ACTION, "1", user=LEAD)
    await fake_slack.wait_for(lambda: len(fake_slack.shared_files) > before)
    assert not fake_slack.rejected


async def test_a_match_only_a_person_can_judge_is_decided_under_missing(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """ "FLIC" may be the Florida Immigrant Coalition: asked, not assumed; the answer is
    kept, and the member is then signed (or missing, and chased)."""
    roster = b"Organization,Slack ID\nFlorida Immigrant Coalition,UFLIC\nCASA,UCASA\n"
    await upload_roster(slack, fake_slack, roster)
    await signon(slack, fake_slack, "FLIC", user="USOMEONE")
    missing = await ask(slack, fake_slack, "missing")
    assert "0 of 2 member organizations signed; 1 missing; 1 may have signed" in missing["text"]
    buttons = [e for b in missing["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [SAME_MEMBER_ACTION, OTHER_MEMBER_ACTION]

    before = len(fake_slack.responses)
    await slack.press(SAME_MEMBER_ACTION, buttons[0]["value"], user=LEAD, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > before)
    answer = fake_slack.responses[-1]
    assert answer["replace_original"] is True
    assert "1 of 2 member organizations signed; 1 missing" in answer["text"]
    assert "may have signed" not in answer["text"]
    # A chase now goes to CASA's contact alone.
    await ask(slack, fake_slack, "chase", user=LEAD)
    await fake_slack.wait_for(lambda: chases(fake_slack, "UCASA"))
    assert chases(fake_slack, "UFLIC") == []

    # Someone who doesn't manage the letter can't answer.
    refused = len(fake_slack.responses)
    await slack.press(OTHER_MEMBER_ACTION, buttons[0]["value"], user=MEMBER, channel="CCOALITION")
    await fake_slack.wait_for(lambda: len(fake_slack.responses) > refused)
    assert "Only organizers and the leads" in fake_slack.responses[-1]["text"]
    assert not fake_slack.rejected


async def test_exports_name_people_as_slack_does(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """A quick `/signon` gives no name; the export shows the signer's name in Slack,
    read in the background after they signed."""
    fake_slack.add_user("USAM", name="sam", real_name="Sam Signer")
    await signon(slack, fake_slack, "Some Organization", user="USAM")
    await fake_slack.wait_for(lambda: fake_slack.calls_to("users.info"))
    before = len(fake_slack.shared_files)
    await export_with_form(slack, fake_slack, user=LEAD)
    await fake_slack.wait_for(lambda: len(fake_slack.shared_files) >= before + 3)
    csv_file = next(f for f in fake_slack.shared_files[before:] if f.filename.endswith(".csv"))
    assert "Sam Signer" in csv_file.content.decode()


async def test_roster_contacts_reach_organizers_only(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A lead's export says which members are missing and whether each has a contact;
    their emails and Slack IDs go to organizers alone."""
    await upload_roster(slack, fake_slack)

    async def not_signed(user: str) -> list[dict[str, Any]]:
        fake_slack.shared_files.clear()
        await export_with_form(slack, fake_slack, "#1", user=user)
        (export,) = [f for f in fake_slack.shared_files if f.filename.endswith(".json")]
        found: list[dict[str, Any]] = json.loads(export.content)["not_signed"]
        return found

    led = await not_signed(LEAD)
    assert {m["name"]: m["has_contact"] for m in led}["CASA"] is True
    assert all(m["contacts"] == [] for m in led)
    assert "casa@example.org" not in json.dumps(led) and "UMRNY" not in json.dumps(led)
    organized = {m["name"]: m for m in await not_signed(ORGANIZER)}
    assert organized["CASA"]["contacts"][0]["email"] == "casa@example.org"
    assert organized["Make the Road New York"]["contacts"][0]["slack_user"] == "UMRNY"


async def test_the_home_is_an_organizers_front_door(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    """New letter and Help on top; per letter See missing, Chase and Close now; each
    does what it says."""
    await upload_roster(slack, fake_slack)
    home = await home_of(slack, fake_slack, ORGANIZER)
    top = next(b for b in home["blocks"] if b["type"] == "actions")
    assert [e["text"]["text"] for e in top["elements"]] == ["New letter", "Help"]
    drive = [b for b in home["blocks"] if b["type"] == "actions"][1]
    labels = [e["text"]["text"] for e in drive["elements"]]
    assert labels[-4:] == ["See missing", "Chase", "View post", "Close now"]
    (view_post,) = [e for e in drive["elements"] if e["text"]["text"] == "View post"]
    assert view_post["url"].startswith("https://coalition.slack.com/archives/CCOALITION/p")
    # Slack opens the link itself; the press it tells the app of is acked.
    pressed = await slack.press_in_home(HOME_VIEW_POST_ACTION, "", user=ORGANIZER)
    assert pressed.status == 200

    opened = len(fake_slack.calls_to("views.open"))
    await slack.press_in_home(HOME_NEW_LETTER_ACTION, "", user=ORGANIZER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened)
    assert fake_slack.calls_to("views.open")[-1].args["view"]["callback_id"] == "letter_form"
    await slack.press_in_home(HOME_HELP_ACTION, "", user=ORGANIZER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.open")) > opened + 1)
    assert fake_slack.calls_to("views.open")[-1].args["view"]["title"]["text"] == "Undersigned help"

    sent = len(fake_slack.messages)
    await slack.press_in_home(HOME_MISSING_ACTION, "1", user=ORGANIZER)
    await fake_slack.wait_for(
        lambda: any(m.channel == ORGANIZER for m in fake_slack.messages[sent:])
    )
    assert "member organizations signed" in all_text(fake_slack.messages[-1])

    published = len(fake_slack.calls_to("views.publish"))
    await slack.press_in_home(HOME_CLOSE_ACTION, "1", user=ORGANIZER)
    await fake_slack.wait_for(lambda: len(fake_slack.calls_to("views.publish")) > published)
    letter = await store.letters.get(1)
    assert letter is not None and not letter.is_open
    assert not fake_slack.rejected
