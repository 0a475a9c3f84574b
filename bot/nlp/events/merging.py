"""Merging the mentions of one meeting into one event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain import Event, Precision, Status, TemporalExpression
from bot.nlp.events.mentions import (
    Mention,
    is_another,
    split_each,
    split_gatherings,
    split_partners,
)
from bot.nlp.events.timing import PRECISION_RANK
from bot.nlp.temporal.calendar_math import period_start
from bot.nlp.vocabulary import MEETING_FAMILIES


def _surnames(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        parts = [p.lower() for p in name.replace("-", " ").split() if p.isalpha()]
        if parts:
            out.add(parts[-1])
            if len(parts) >= 2:
                out.add(parts[0])
    return out


def _summit_words(summit: str | None) -> set[str]:
    if not summit:
        return set()
    generic = {"the", "of", "summit", "meeting", "forum", "conference", "and", "leaders", "talks"}
    text = summit.lower().replace("'s", " ").replace("-", " ").replace("(", " ").replace(")", " ")
    return {w for w in text.split() if w not in generic}


@dataclass(slots=True)
class _Draft:
    mentions: list[Mention]
    # What the mentions say, worked out again only when a mention is added: every new
    # mention is compared with the drafts, so these are read far more often than changed.
    _seen: int = -1
    _participants: list[str] = field(default_factory=list)
    _summit: str | None = None
    _date: TemporalExpression | None = None

    def _refresh(self) -> None:
        if self._seen == len(self.mentions):
            return
        self._seen = len(self.mentions)
        seen: list[str] = []
        for mention in self.mentions:
            seen.extend(p for p in mention.participants if p not in seen)
        self._participants = seen
        self._summit = self._name()
        dated = [m.date for m in self.mentions if m.date is not None]
        self._date = max(dated, key=lambda d: PRECISION_RANK[d.precision]) if dated else None

    @property
    def participants(self) -> list[str]:
        self._refresh()
        return self._participants

    @property
    def summit(self) -> str | None:
        self._refresh()
        return self._summit

    @property
    def date(self) -> TemporalExpression | None:
        self._refresh()
        return self._date

    def _name(self) -> str | None:
        """The longest name a dated mention gives, with a second such name in brackets
        ("summit of the Gulf Cooperation Council (Supreme Council's 40th session)")."""
        summits = sorted({m.summit for m in self.mentions if m.summit}, key=len, reverse=True)
        if not summits:
            return None
        dated = [n for n in summits if any(m.summit == n and m.date for m in self.mentions)]
        main = (dated or summits)[0]
        others = [n for n in dated if n != main and n.lower() not in main.lower()]
        return f"{main} ({others[0]})" if others else main


# How many of the latest events a mention is compared with: an article names far fewer
# meetings than this, and the bound keeps the cost linear in very long texts.
RECENT_DRAFTS = 80


def _window(expression: TemporalExpression) -> tuple[dt.date, dt.date] | None:
    if expression.date is None:
        return None
    return expression.date, expression.end_date or expression.date


def _dates_agree(a: TemporalExpression | None, b: TemporalExpression | None) -> bool:
    """Unknown dates agree with anything; known ones when their windows overlap."""
    wa = _window(a) if a is not None else None
    wb = _window(b) if b is not None else None
    if wa is None or wb is None:
        return True
    return wa[0] <= wb[1] and wb[0] <= wa[1]


def _places_conflict(mention: Mention, draft: _Draft) -> bool:
    """Two places for an undated meeting ("a stop in Brunei", "in Beijing on Sept 4") say
    that these are two meetings; with dates, the dates decide."""
    if mention.date is not None and draft.date is not None:
        return False
    mine = mention.place
    theirs = {m.place for m in draft.mentions if m.place}
    if not mine or not theirs:
        return False
    return not any(mine in other or other in mine for other in theirs)


def _belongs(mention: Mention, draft: _Draft, protagonist: str | None) -> bool:
    if mention.separate:
        return False  # "a separate Korea-Japan summit": not the meeting named before
    same_summit = bool(_summit_words(mention.summit) & _summit_words(draft.summit))
    if not _dates_agree(mention.date, draft.date):
        return False
    if _places_conflict(mention, draft) and not same_summit:
        return False  # a named summit has one venue, named more or less precisely
    if any(m.trigger.i == mention.trigger.i for m in draft.mentions):
        return False  # one meeting word split in two ("meet separately") stays two
    mine = _surnames(p for p in mention.participants if p != protagonist)
    theirs = _surnames(p for p in draft.participants if p != protagonist)
    summit_mine, summit_theirs = _summit_words(mention.summit), _summit_words(draft.summit)
    if summit_mine and summit_theirs:
        return bool(summit_mine & summit_theirs)
    if summit_mine:
        # A summit and a bilateral are different meetings; "the two-day meeting" that
        # names only who chairs it is the summit itself — when the dates say so.
        if mention.date is None and draft.date is not None and len(draft.participants) > 1:
            return False
        return not any(m.partnered for m in draft.mentions)
    if summit_theirs:
        return not mention.partnered
    everyone_mine, everyone_theirs = _surnames(mention.participants), _surnames(draft.participants)
    bilateral = mention.bilateral or any(m.bilateral for m in draft.mentions)
    if bilateral and max(len(mention.participants), len(draft.participants)) > 2:
        return False  # one of a list of bilaterals is not the group meeting of them all
    if len(mention.participants) >= 2 and len(draft.participants) >= 2:
        # Two pairs are two meetings: "Yoon meets Li" and "Kishida meets Li" share a name
        # but not a meeting; "Yoon meets Li" and "Yoon, Li and Kishida" may be one.
        if len(mention.participants) == 2 < len(draft.participants):
            return False  # "a Korea-U.S. summit" is not the trilateral with Japan
        return everyone_mine <= everyone_theirs or everyone_theirs <= everyone_mine
    if mine and theirs:
        return bool(mine & theirs)
    # One side names only the article's protagonist: "Abe arrives on Sunday for the
    # visit", "Obama hopes to receive Rousseff in Washington". Dates and places agree.
    return bool(_surnames(mention.participants) & _surnames(draft.participants))


def merge(mentions: list[Mention], protagonist: str | None) -> list[Event]:
    drafts: list[_Draft] = []
    parts = (
        one
        for m in mentions
        for gathering in split_gatherings(m)
        for each in split_each(gathering)
        for one in split_partners(each)
    )
    series: list[Mention] = []
    for mention in parts:
        if _is_series(mention):
            series.append(mention)
            continue
        if not mention.participants and mention.summit is None:
            if drafts and is_another(mention.trigger):
                # "a later meeting": the same people again, another time.
                mention.participants = list(drafts[-1].participants)
                drafts.append(_Draft([mention]))
                continue
            # "The summit had been pushed back", "Tuesday's meeting will …": news about the
            # latest meeting of its kind, when the dates agree.
            if drafts and not _introduces(mention):
                latest = _latest_alike(drafts, mention)
                if _dates_agree(mention.date, latest.date) and _may_sharpen(mention, latest):
                    latest.mentions.append(mention)
            continue
        gathering = _gathering_of(mention, drafts)
        home = gathering or _best_draft(mention, drafts, protagonist)
        if home is None:
            drafts.append(_Draft([mention]))
        else:
            home.mentions.append(mention)
    for mention in series:
        # "he will then go into a string of one-on-one meetings on Friday": the day of
        # every bilateral of his that the text lists without a date of its own.
        lead = mention.participants[0]
        listed = [
            d
            for d in drafts
            if d.date is None and lead in d.participants and any(m.bilateral for m in d.mentions)
        ]
        for draft in listed:
            draft.mentions.append(mention)
        if not listed:
            home = _best_draft(mention, drafts, protagonist)
            if home is None:
                drafts.append(_Draft([mention]))
            else:
                home.mentions.append(mention)
    events = [_to_event(d, protagonist) for d in drafts if _is_meeting(d)]
    return sorted(events, key=lambda e: (e.date or dt.date.max, e.title))


_SERIES_WORDS = frozenset({"meeting", "talk", "bilateral", "encounter", "audience"})


def _is_series(mention: Mention) -> bool:
    """A dated plural meeting word with only its lead: "a string of one-on-one meetings on
    Friday", "bilateral meetings on the margins on Tuesday"."""
    trigger = mention.trigger
    return (
        trigger.tag_ == "NNS"
        and trigger.lemma_.lower() in _SERIES_WORDS
        and trigger.lower_ != "talks"  # "hold talks" is one meeting as often as several
        and len(mention.participants) == 1
        and not mention.partners
        and mention.date is not None
        and mention.summit is None
    )


def _is_meeting(draft: _Draft) -> bool:
    """Enough to tell a meeting: two people, a named gathering, one person and a place
    ("Clinton will visit Dili"), or a summit with one person; a lone name is too little."""
    if draft.summit is not None or len(draft.participants) >= 2:
        return True
    if not draft.participants:
        return False
    # One person and a place, or one person at a summit ("a summit with Trump"), or one
    # person and partners named by office ("talks with the leaders of Comoros and Turkiye").
    return any(m.place or _family(m) == "summit" or m.unnamed_partners for m in draft.mentions)


def _best_draft(mention: Mention, drafts: list[_Draft], protagonist: str | None) -> _Draft | None:
    """The event a mention belongs to: most shared names first, then the latest."""
    recent = list(enumerate(drafts))[-RECENT_DRAFTS:]
    fitting = [(n, d) for n, d in recent if _belongs(mention, d, protagonist)]
    if not fitting:
        return None
    mine = _surnames(mention.participants)
    named = _summit_words(mention.summit)
    return max(
        fitting,
        key=lambda nd: (
            len(mine & _surnames(nd[1].participants)),
            len(named & _summit_words(nd[1].summit)),
            nd[0],
        ),
    )[1]


def _family(mention: Mention) -> str:
    lemma = mention.trigger.lemma_.lower()
    return MEETING_FAMILIES.get(lemma, lemma)


def _gathering_of(mention: Mention, drafts: list[_Draft]) -> _Draft | None:
    """The summit a part of it belongs to: "he is to address the main session of the
    summit on Friday" is the latest named summit whose dates agree."""
    if not mention.of_gathering:
        return None
    for draft in reversed(drafts):
        if draft.summit is not None and _dates_agree(mention.date, draft.date):
            return draft
    return None


def _introduces(mention: Mention) -> bool:
    """ "In addition, a security meeting of the ministers may be held …": an indefinite
    meeting word brings in a meeting not yet named; it is news about no earlier one."""
    return any(c.lower_ in ("a", "an") for c in mention.trigger.lefts)


def _may_sharpen(mention: Mention, draft: _Draft) -> bool:
    """A bare mention may make a known date more precise only if it is the same kind of
    meeting: "the APEC summit, which runs from Nov. 11" does not date Biden's talks there."""
    if mention.date is not None and any(m.bilateral for m in draft.mentions):
        return False  # one of several bilaterals: a bare "the meeting" cannot say which
    if draft.date is None or mention.date is None:
        return True
    if PRECISION_RANK[mention.date.precision] <= PRECISION_RANK[draft.date.precision]:
        return True
    return any(_family(m) == _family(mention) for m in draft.mentions)


def _latest_alike(drafts: list[_Draft], mention: Mention) -> _Draft:
    lemma = mention.trigger.lemma_.lower()
    for draft in reversed(drafts):
        if any(m.trigger.lemma_.lower() == lemma for m in draft.mentions):
            return draft
    dated = [d for d in drafts[-RECENT_DRAFTS:] if mention.date is not None and d.date is not None]
    for draft in reversed(dated):
        if _dates_agree(mention.date, draft.date):
            return draft
    return drafts[-1]


def _to_event(draft: _Draft, protagonist: str | None) -> Event:
    mentions = draft.mentions
    date = draft.date
    statuses = [m.status for m in mentions]
    if Status.CANCELLED in statuses:
        status = Status.CANCELLED
    elif Status.POSTPONED in statuses:
        status = Status.POSTPONED
    elif any(m.firm for m in mentions) or Status.POSSIBLE not in statuses:
        status = Status.SCHEDULED
    else:
        status = Status.POSSIBLE
    participants = draft.participants
    place = next((m.place for m in mentions if m.place), None)
    evidence_from = next((m for m in mentions if m.date is not None), mentions[0])
    if date is not None and date.precision is Precision.UNKNOWN:
        date = None  # a year alone ("next year") is too coarse to show as a date
    # An event is dated as the conventions say: a week by its Monday, a month by its first;
    # the expression keeps the days it covers ("mid-January": the 11th to the 20th), which
    # stay the event's last day.
    start = period_start(date.date, date.precision) if date and date.date else None
    last = date.end_date if date else None
    end = last if last != start else None
    days = next((m.days for m in mentions if m.days), None)
    if start is not None and end is None and days and date and date.precision is Precision.DAY:
        end = start + dt.timedelta(days=days - 1)
    return Event(
        participants=[p for p in participants if p],
        summit=draft.summit,
        place=place,
        date=start,
        end_date=end,
        precision=date.precision if date else Precision.UNKNOWN,
        status=status,
        evidence=evidence_from.evidence,
    )
