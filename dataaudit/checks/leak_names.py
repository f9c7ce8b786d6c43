"""What a column's name says about its tie to the target: a duration beside a follow-up's status, a sibling of the
target's name. DA701 weighs these with the data (``checks/leakage.py``); a name alone is never a finding."""

from __future__ import annotations

import os
import re
from typing import Iterable

from ..analysis.measures import name_words

__all__ = ["DURATION_WORDS", "END_WORDS", "STATUS_WORDS", "FOLLOW_UP_NAMES", "TIME_CODE", "INDICATOR_CODE",
           "PAIR_NAME", "sibling_name", "status_target", "time_indicator_pair", "post_member",
           "post_outcome_cue"]

#: words of a column name that say it is a duration: a time to an event, a follow-up, a survival time, a spell
#: (of unemployment, of illness: its length ends with the outcome)
DURATION_WORDS = frozenset({"time", "times", "futime", "stime", "survtime", "day", "days", "weeks", "months",
                            "duration", "durations", "dur", "durat", "follow", "followup", "fu", "surv",
                            "survival", "tte", "ttr", "ttf", "spell", "spells"})
#: words that end a column name meaning the end of an episode: a length of stay, the stop of a counting-process interval
END_WORDS = frozenset({"los", "stop", "tstop"})
#: a target named like one of these (or ending so: ``pgstat``) is the status of a follow-up: the event seen or censored
STATUS_WORDS = ("status", "stat", "event", "death", "dead", "died", "deceased", "vital", "cens", "censor", "censored",
                "censoring", "fail", "failure", "failed", "relapse", "recur", "recurrence", "progression")
#: a column named wholly so (its words run together) is the follow-up time of a survival table whatever the
#: two-class target is called (``time`` beside ``rinfct``, a reinfection): R's Surv(time, event). ``days`` is not
#: one: alone it is as often an honest count (days past due, days in the programme) as a follow-up; nor is a bare
#: ``stop`` (a stop number), which is the end of an interval only beside a status
FOLLOW_UP_NAMES = frozenset({"time", "futime", "stime", "survtime", "survivaltime", "followup", "followuptime",
                             "fu", "tte", "timetoevent", "tstop"})
#: a survival table's time of an event numbered or lettered as its indicator is (``T3`` beside ``D3``, ``t1``)
TIME_CODE = re.compile(r"^(?:t|time)[_.]?([a-z]?\d{1,2}|[a-z])$", re.IGNORECASE)
#: the event indicator of such a pair: d (delta, death), e (event), c (censoring), s (status), then the same code
INDICATOR_CODE = re.compile(r"^(?:d|e|c|s|delta|event|status|cens)[_.]?([a-z]?\d{1,2}|[a-z])$", re.IGNORECASE)


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
    numbered, theirs_numbered = NUMBERED.match(own), NUMBERED.match(theirs)
    if numbered and theirs_numbered and numbered.group(1) == theirs_numbered.group(1) \
            and numbered.group(2) != theirs_numbered.group(2):
        return "its name is the target's with another number (one of a numbered family of outcomes)"
    return None


#: a name that is a stem of three letters or more and a number (``censor2``): a member of a numbered family
NUMBERED = re.compile(r"^([a-z]{3,}?)(\d{1,2})$")


def status_target(target: str) -> bool:
    """Whether a target's name says it is the status of a follow-up: the event seen or censored (``status``,
    ``death``, ``cens``, ``pgstat``)."""
    words = name_words(target)
    joined = "".join(words)
    return bool(set(words).intersection(STATUS_WORDS)) or (joined.endswith(("stat", "status")) and len(joined) > 4)


def time_indicator_pair(name: str, target: str) -> bool | None:
    """Whether a column and the target are named as a survival table's time and event indicator (``T3`` and
    ``D3``, ``t_a`` and ``d_a``): True when they carry the same code (the time of the target's own event), False
    when both have the shape but different codes (the time of another event of the same follow-up, which ends at
    the target's when that event is not seen: ``t2`` beside ``d3``), None when they do not have the shape."""
    own, theirs = TIME_CODE.match(name), INDICATOR_CODE.match(target)
    if own is None or theirs is None:
        return None
    return own.group(1).lower() == theirs.group(1).lower()


def post_member(name: str, others: Iterable[str]) -> str | None:
    """The column a column named as the later of a pre/post pair (``postrpi`` beside ``prerpi``, ``post_score``
    beside ``pre_score``) is measured after: the one with the same stem after ``pre``; None otherwise."""
    match = PAIR_NAME.match(name)
    if match is None or match.group(1).lower() != "post":
        return None
    stem = match.group(2).lower()
    for other in others:
        theirs = PAIR_NAME.match(str(other))
        if theirs is not None and theirs.group(1).lower() == "pre" and theirs.group(2).lower() == stem:
            return str(other)
    return None


#: a name made of ``pre`` or ``post`` and a stem of two letters or more (``postrpi``, ``pre_test``)
PAIR_NAME = re.compile(r"^(pre|post)[_.\s]?([a-z][a-z0-9]+)$", re.IGNORECASE)


def post_outcome_cue(name: str, target: str, minimum: float, others: Iterable[str] = ()) -> tuple[str, bool] | None:
    """Why a column's name says it is recorded at the outcome, and whether it is the time of a follow-up beside its
    status (a duration or an episode's end beside a status target, ``pgtime`` beside ``pgstat``, a column named
    wholly as a follow-up time, ``time`` or ``futime``, beside any target, or ``T3`` beside ``D3``): a duration
    word (with no negative value), a time coded as the target's indicator is, the target's name (three
    letters or more) inside its own, or the later of a pre/post pair among ``others`` (``post_member``); None
    when the name says none of these."""
    words = name_words(name)
    own, theirs = "".join(words), "".join(name_words(target))
    stem = os.path.commonprefix([own, theirs])
    stem_pair = len(stem) >= 2 and own[len(stem):] in DURATION_WORDS and status_target(theirs[len(stem):])
    coded = time_indicator_pair(name, target)
    if minimum >= 0 and coded is not None:
        return ((f"its name codes it as the time of the event `{target}` indicates (a survival table's pairs)"
                 if coded else f"its name codes it as the time of another event of the follow-up `{target}` "
                 "ends (a survival table's pairs), which runs to the end of follow-up when that event is not seen"),
                coded)
    if minimum >= 0 and (DURATION_WORDS.intersection(words) or END_WORDS.intersection(words) or stem_pair):
        return ("its name says it is a duration (a time to the event, a follow-up, a length of stay)",
                stem_pair or status_target(target) or own in FOLLOW_UP_NAMES)
    if len(theirs) >= 3 and theirs in own and own != theirs:
        return "its name contains the target's name", False
    before = post_member(name, others)
    if before is not None:
        return f"its name says it is measured after `{before}` (a pre/post pair), at or after the outcome", False
    return None
