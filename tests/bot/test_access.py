"""Who counts as an organizer, and how long finding out may take."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_client
from bot.rules.problems import GroupUnknown
from bot.services import access
from bot.services.access import Organizers
from bot.settings import Settings
from tests.conftest import MEMBER
from tests.fake_slack import FakeSlack

GROUP = "SORGANIZERS"


@pytest.fixture
async def client(settings: Settings, fake_slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    fake_slack.usergroups[GROUP] = ["UGROUPMEMBER"]
    yield build_client(settings)


async def test_members_of_the_organizer_group_are_organizers(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """With ORGANIZER_GROUP set, its members may start letters; others still may not."""
    organizers = Organizers(users=frozenset(), group=GROUP, client=client)
    assert await organizers.includes("UGROUPMEMBER")
    assert not await organizers.includes(MEMBER)
    assert len(fake_slack.calls_to("usergroups.users.list")) == 1  # cached


async def test_a_slow_group_lookup_never_holds_a_form_past_slacks_three_seconds(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """Slack takes 2 s to answer the first lookup: the check gives up before the answer
    comes (after a second, while the form's trigger is still good) with a "try again",
    and the answer, when it comes, serves the next check without asking Slack."""
    fake_slack.fail("usergroups.users.list", delay=2.0)
    organizers = Organizers(users=frozenset(), group=GROUP, client=client)
    with pytest.raises(GroupUnknown):
        await organizers.includes("UGROUPMEMBER")
    assert fake_slack.calls_to("usergroups.users.list") == []  # Slack hadn't answered yet
    await _settled(organizers)
    assert await organizers.includes("UGROUPMEMBER")
    assert len(fake_slack.calls_to("usergroups.users.list")) == 1


async def test_a_stale_group_is_read_again_in_the_background(
    client: AsyncWebClient, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the members are known, a check never waits on Slack: a stale list answers
    while a fresh one is read, and a failed read keeps the last known members."""
    monkeypatch.setattr(access, "GROUP_CACHE_SECONDS", 0.0)
    monkeypatch.setattr(access, "GROUP_RETRY_SECONDS", 0.0)
    organizers = Organizers(users=frozenset(), group=GROUP, client=client)
    assert await organizers.includes("UGROUPMEMBER")
    fake_slack.fail("usergroups.users.list", delay=1.0)
    assert await organizers.includes("UGROUPMEMBER")
    assert len(fake_slack.calls_to("usergroups.users.list")) == 1  # answered from memory
    assert organizers._reading is not None and not organizers._reading.done()
    await _settled(organizers)
    fake_slack.fail("usergroups.users.list", status=200, error="internal_error")
    assert await organizers.includes("UGROUPMEMBER")
    await _settled(organizers)
    assert await organizers.includes("UGROUPMEMBER")  # the failed read changed nothing
    fake_slack.usergroups[GROUP] = ["USOMEONEELSE"]
    await _settled(organizers)
    await organizers.includes(MEMBER)  # answers from what is known, and reads again
    await _settled(organizers)
    assert await organizers.includes("USOMEONEELSE")
    assert not await organizers.includes("UGROUPMEMBER")


async def _settled(organizers: Organizers) -> None:
    """Wait for a background read of the group to finish."""
    reading = organizers._reading
    if reading is not None:
        await reading


async def test_a_group_slack_fails_to_give_is_not_asked_for_at_every_check(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    """After a failed read, checks answer from what is known for a while rather than
    each calling Slack again."""
    fake_slack.fail("usergroups.users.list", status=200, error="missing_scope", times=10)
    organizers = Organizers(users=frozenset(), group=GROUP, client=client)
    for _ in range(5):
        with pytest.raises(GroupUnknown):
            await organizers.includes("UGROUPMEMBER")
        await _settled(organizers)
    assert len([c for c in fake_slack.calls if c.method == "usergroups.users.list"]) == 1
