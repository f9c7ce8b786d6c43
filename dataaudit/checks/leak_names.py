"""What a column's name says about its tie to the target: a duration beside a follow-up's status, a sibling of the
target's name. DA701 weighs these with the data (``checks/leakage.py``); a name alone is never a finding."""

from __future__ import annotations

import os
import re

from ..analysis.measures import name_words

__all__ = ["DURATION_WORDS", "END_WORDS", "STATUS_WORDS", "sibling_name", "status_target", "post_outcome_cue"]

#: words of a column name that say it is a duration: a time to an event, a follow-up, a survival time
DURATION_WORDS = frozenset({"time", "times", "futime", "stime", "survtime", "day", "days", "weeks", "months",
                            "duration", "durations", "dur", "durat", "follow", "followup", "fu", "surv",
                            "survival", "tte", "ttr", "ttf"})
#: words that end a column name meaning the end of an episode: a length of stay, the stop of a counting-process interval
END_WORDS = frozenset({"los", "stop", "tstop"})
#: a target named like one of these (or ending so: ``pgstat``) is the status of a follow-up: the event seen or censored
STATUS_WORDS = ("status", "stat", "event", "death", "dead", "died", "deceased", "vital", "cens", "censor", "censored",
                "censoring", "fail", "failure", "failed", "relapse", "recur", "recurrence", "progression")


def sibling_name(name: str, target: str) -> str | None:
    """Why a column's name says it is a sibling of the target: the target's name (three letters or more) inside its
    own (``default_recovered`` beside ``default``), or the target's name with another first letter (``p401k``,
    participation, beside ``e401k``, eligibility); None otherwise."""
    own, theirs = "".join(name_words(name)), "".join(name_words(target))
    if len(theirs) >= 3 and theirs in own and own != theirs:
        return "its name contains the target's name"
    own, theirs = re.sub(r"[^a-z0-9]", "", name.lower()), re.sub(r"[^a-z0-9]", "", target.lower())
    if min(len(own), len(theirs)) >= 4 and own[0] != theirs[0] and own[1:] == theirs[1:]:
        return "its name is the target's with another first letter"
    return None


def status_target(target: str) -> bool:
    """Whether a target's name says it is the status of a follow-up: the event seen or censored (``status``,
    ``death``, ``cens``, ``pgstat``)."""
    words = name_words(target)
    joined = "".join(words)
    return bool(set(words).intersection(STATUS_WORDS)) or (joined.endswith(("stat", "status")) and len(joined) > 4)


def post_outcome_cue(name: str, target: str, minimum: float) -> tuple[str, bool] | None:
    """Why a column's name says it is recorded at the outcome, and whether it is the time of a follow-up beside its
    status (a duration or an episode's end beside a status target, or ``pgtime`` beside ``pgstat``): a duration
    word (with no negative value), or the target's name (three letters or more) inside its own; None when the
    name says neither."""
    words = name_words(name)
    own, theirs = "".join(words), "".join(name_words(target))
    stem = os.path.commonprefix([own, theirs])
    stem_pair = len(stem) >= 2 and own[len(stem):] in DURATION_WORDS and status_target(theirs[len(stem):])
    if minimum >= 0 and (DURATION_WORDS.intersection(words) or END_WORDS.intersection(words) or stem_pair):
        return ("its name says it is a duration (a time to the event, a follow-up, a length of stay)",
                stem_pair or status_target(target))
    if len(theirs) >= 3 and theirs in own and own != theirs:
        return "its name contains the target's name", False
    return None
