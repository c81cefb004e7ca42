"""A sign-on kept as submitted, as JSON: how a held sign-on waits in the database."""

from __future__ import annotations

import json

from bot.rules.language import Language
from bot.rules.signons import SignerKind, Submission

# A held sign-on is kept as the person submitted it: these fields, as JSON.
_SUBMISSION_FIELDS = (
    "name",
    "person_name",
    "title",
    "affiliation",
    "city",
    "state",
    "email",
    "public",
    "user_id",
    "team_id",
    "may_contact",
)
# What a held sign-on was shown, kept as its language's code.
_READ_IN = "read_in"


def submission_json(submission: Submission) -> str:
    fields = {field: getattr(submission, field) for field in _SUBMISSION_FIELDS}
    return json.dumps(
        {"kind": submission.kind.value, _READ_IN: submission.read_in.value, **fields},
        ensure_ascii=False,
    )


def submission_from_json(text: str) -> Submission:
    data = json.loads(text)
    return Submission(
        kind=SignerKind(data["kind"]),
        read_in=Language(data.get(_READ_IN) or Language.ENGLISH),
        **{f: data.get(f) for f in _SUBMISSION_FIELDS},
    )
