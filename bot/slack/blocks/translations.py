"""What an organizer is told when a letter's texts in two languages fall out of step:
one changed, and the other may need the same change."""

from __future__ import annotations

from bot.rules.language import gettext as _
from bot.rules.letters import Letter, Translation


def translation_prompts(
    letter: Letter, *, behind: tuple[Translation, ...], changed_alone: tuple[Translation, ...]
) -> list[str]:
    """A line for each text left behind by a change of the letter's own (to update), and
    for each changed while the letter's own stayed (its own may need the same)."""
    lines = [
        _(
            ":warning: The Spanish text still translates version {version}. Update it too, "
            "in `/letter edit {letter}` or with a message's ⋮ menu → *Add a translation*; "
            "until then, Spanish readers are told that the English text is newer."
        ).format(version=translation.of_version, letter=letter.id)
        for translation in behind
    ]
    lines.extend(
        _(
            "You changed the Spanish text. If the English text needs the same change, make "
            "it in `/letter edit {letter}`: that makes a new version, and those who signed "
            "are asked whether they still sign."
        ).format(letter=letter.id)
        for _translation in changed_alone
    )
    return lines
