"""The letter form's "Who counts": every sign-on by default, or verified organizations
only; the choice is kept, shown again by `/letter edit`, and changed there."""

from __future__ import annotations

from typing import Any

from bot.rules.forms import Field
from bot.rules.letters import VerificationRule, WhoCounts
from bot.storage import Store
from tests.conftest import LEAD, ORGANIZER
from tests.fake_slack import FakeSlack
from tests.helpers import as_submitted, coalition, form_values, told
from tests.slack_driver import SlackDriver


async def opened_form(slack: SlackDriver, fake: FakeSlack, command: str) -> dict[str, Any]:
    opened = len(fake.calls_to("views.open"))
    await slack.command("/letter", command, user=ORGANIZER, channel="CORGANIZING")
    await fake.wait_for(lambda: len(fake.calls_to("views.open")) > opened)
    view: dict[str, Any] = fake.calls_to("views.open")[-1].args["view"]
    return view


def choice(form: dict[str, Any]) -> tuple[str, list[str]]:
    """The option the form shows chosen, and every option's value."""
    (block,) = [b for b in form["blocks"] if b.get("block_id") == Field.WHO_COUNTS]
    element = block["element"]
    return element["initial_option"]["value"], [o["value"] for o in element["options"]]


def chosen(form: dict[str, Any], who: WhoCounts) -> dict[str, Any]:
    (block,) = [b for b in form["blocks"] if b.get("block_id") == Field.WHO_COUNTS]
    return next(o for o in block["element"]["options"] if o["value"] == who.value)


async def test_who_counts_is_chosen_in_the_form_and_changed_by_an_edit(
    slack: SlackDriver, fake_slack: FakeSlack, store: Store
) -> None:
    coalition(fake_slack)
    form = await opened_form(slack, fake_slack, "new")
    assert choice(form) == (WhoCounts.EVERYONE.value, [w.value for w in WhoCounts])
    answers = form_values(body="Dear Secretary,\n\nAct.", channels=["CCOALITION"], leads=[LEAD])
    answers[Field.WHO_COUNTS] = {
        Field.WHO_COUNTS: {
            "type": "radio_buttons",
            "selected_option": chosen(form, WhoCounts.VERIFIED_ONLY),
        }
    }
    before = len(fake_slack.ephemeral_to(ORGANIZER))
    reply = await slack.submit_view(form, answers, user=ORGANIZER)
    assert reply.status == 200, reply.body
    await told(fake_slack, ORGANIZER, since=before)
    letter = await store.letters.get(1)
    assert letter is not None
    assert (letter.verification_rule, letter.anyone_may_sign) == (VerificationRule.HOLD, False)

    edit = await opened_form(slack, fake_slack, "edit 1")
    assert choice(edit)[0] == WhoCounts.VERIFIED_ONLY.value
    changed = {Field.WHO_COUNTS: chosen(edit, WhoCounts.ROSTER_VERIFIED)}
    reply = await slack.submit_view(edit, as_submitted(edit, **changed), user=ORGANIZER)
    assert reply.status == 200
    letter = await store.letters.get(1)
    assert letter is not None
    assert (letter.verification_rule, letter.anyone_may_sign) == (VerificationRule.HOLD, True)
    assert not fake_slack.rejected
