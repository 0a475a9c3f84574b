"""The date rules, as data: each has an id, its pattern, its resolver and example phrases.

As in HeidelTime's rule files, every rule says what it covers by example: ``tests/unit/
test_temporal_rules.py`` runs each example through the pipeline and checks that this rule
gives the expected value. The examples are sentences written for the project.

Order matters only for ties: where matches overlap the longest wins, then the earlier rule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.nlp.temporal import anaphora, holidays
from bot.nlp.temporal import patterns as p
from bot.nlp.temporal import resolvers as r
from bot.nlp.temporal.expressions import Resolver

# Publication dates of the examples.
MON = dt.date(2025, 10, 27)  # Monday 27 October 2025
TUE = dt.date(2025, 10, 28)
SUN = dt.date(2023, 1, 22)
DEC = dt.date(2025, 12, 29)  # Monday 29 December 2025


@dataclass(frozen=True, slots=True)
class Example:
    """A phrase, the publication date it is read against, and the value the rule gives."""

    text: str
    published: dt.date
    value: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of date expression. ``group`` names the part of the match that is the date."""

    id: str
    pattern: re.Pattern[str]
    resolve: Resolver
    examples: tuple[Example, ...]
    group: str | None = None


RULES: tuple[Rule, ...] = (
    Rule(
        "week-of",
        p.WEEK_OF_RE,
        r.resolve_week_of,
        (Example("The forum meets in the week of June 22, 2026.", MON, "2026-W26"),),
    ),
    Rule(
        "iso-date",
        p.ISO_DATE_RE,
        r.resolve_iso,
        (Example("The notice is dated 2025-11-03.", MON, "2025-11-03"),),
    ),
    Rule(
        "slash-date",
        p.SLASH_DATE_RE,
        r.resolve_slash,
        (
            Example("The filing of 11/04/2025 was late.", MON, "2025-11-04"),
            Example("The treaty of 25/3/1957 is cited.", MON, "1957-03-25"),
            Example(
                "The summit opened on 10/5/2023 in the port.", dt.date(2023, 5, 10), "2023-05-10"
            ),
        ),
    ),
    Rule(
        "dotted-date",
        p.DOTTED_DATE_RE,
        r.resolve_dotted,
        (Example("The leaders meet on 10.5.2023 in the port.", MON, "2023-05-10"),),
    ),
    Rule(
        "month-day-for-days",
        p.MONTH_DAY_FOR_DAYS_RE,
        r.resolve_day_for_days,
        (Example("The state visit runs from November 4 for five days.", MON, "2025-11-04"),),
    ),
    Rule(
        "day-month-for-days",
        p.DAY_MONTH_FOR_DAYS_RE,
        r.resolve_day_for_days,
        (Example("The envoy will stay from 3 December for two days.", MON, "2025-12-03"),),
    ),
    Rule(
        "day-month-span",
        p.DAY_MONTH_SPAN_RE,
        r.resolve_day_month_span,
        (
            Example("The summit is held from 30 November to 2 December.", MON, "2025-11-30"),
            Example("The talks ran from 28 December to 3 January 2025.", MON, "2024-12-28"),
        ),
    ),
    Rule(
        "month-day-range",
        p.MONTH_DAY_RANGE_RE,
        r.resolve_month_day,
        (
            Example("The summit runs Nov. 14-15 in the capital.", MON, "2025-11-14"),
            Example("Talks are set for Dec 30 to Jan 2.", MON, "2025-12-30"),
        ),
    ),
    Rule(
        "day-month-range",
        p.DAY_MONTH_RANGE_RE,
        r.resolve_month_day,
        (Example("The forum will be held from 3 to 5 December.", MON, "2025-12-03"),),
    ),
    Rule(
        "month-day",
        p.MONTH_DAY_RE,
        r.resolve_month_day,
        (
            Example("The envoy will arrive on November 4.", MON, "2025-11-04"),
            Example("The premier visits on Jan. 9.", DEC, "2026-01-09"),
            Example("The accord was signed on March 3, 2019.", MON, "2019-03-03"),
        ),
    ),
    Rule(
        "day-month",
        p.DAY_MONTH_RE,
        r.resolve_month_day,
        (Example("Ministers gather on 12 November in the capital.", MON, "2025-11-12"),),
    ),
    Rule(
        "month",
        p.MONTH_RE,
        r.resolve_month,
        (
            Example("The two leaders will meet in January.", MON, "2026-01"),
            Example("Talks are expected in mid-January.", MON, "2026-01"),
            Example("The plan was drafted last April.", MON, "2025-04"),
            Example("Elections are due in early March 2027.", MON, "2027-03"),
            Example("The visit may come in late January.", MON, "2026-01"),
            Example("They hope to meet in the first half of February.", MON, "2026-02"),
            Example("A summit is planned for the second half of January.", MON, "2026-01"),
            Example("The forum opens at the end of November.", MON, "2025-11"),
            Example("The envoy returns at the beginning of December.", MON, "2025-12"),
        ),
    ),
    Rule(
        "weekday-with-day",
        p.WEEKDAY_WITH_DAY_RE,
        r.resolve_weekday_with_day,
        (
            Example("On Monday (23), the president flies to the capital.", SUN, "2023-01-23"),
            Example("Three meetings are expected on Tuesday (24/1).", SUN, "2023-01-24"),
            Example("He left this Sunday (22) for the south.", SUN, "2023-01-22"),
            Example("The ministers met on Friday (20).", SUN, "2023-01-20"),
        ),
    ),
    Rule(
        "weekday-to-date",
        p.WEEKDAY_TO_DATE_RE,
        r.resolve_weekday_to_date,
        (
            Example(
                "He stays in the country from Saturday to June 18.",
                dt.date(2024, 6, 12),
                "2024-06-15",
            ),
            Example("The fair runs Monday through Nov. 7.", MON, "2025-11-03"),
            Example("The fair runs Monday through Nov. 7 next year.", MON, "2026-11-02"),
        ),
    ),
    Rule(
        "weekday-range",
        p.WEEKDAY_RANGE_RE,
        r.resolve_weekday_range,
        (Example("The talks will run from Tuesday to Thursday.", MON, "2025-10-28"),),
    ),
    Rule(
        "weekday",
        p.WEEKDAY_RE,
        r.resolve_weekday,
        (
            Example("The two presidents will meet on Thursday.", MON, "2025-10-30"),
            Example("The ministers met on Saturday.", MON, "2025-10-25"),
            Example("The summit opens on Monday.", MON, "2025-10-27"),
            Example("The leaders will meet next Wednesday.", TUE, "2025-11-05"),
            Example("The leaders will meet this Wednesday.", TUE, "2025-10-29"),
            Example("The panel met this Monday.", TUE, "2025-10-27"),
            Example("The vote is on Tuesday next week.", MON, "2025-11-04"),
            Example("Delegates gather on Thursday of this week.", MON, "2025-10-30"),
            Example("Next week the ministers meet on Wednesday.", MON, "2025-11-05"),
            Example("He will arrive on Wednesday ahead of next week's summit.", MON, "2025-10-29"),
            Example("They will talk on the sidelines of Wednesday's summit.", MON, "2025-10-29"),
            Example("Thursday's talks were cut short.", MON, "2025-10-23"),
            Example("A separate summit has been confirmed for Saturday.", TUE, "2025-11-01"),
            Example("The vote was set for Friday.", TUE, "2025-10-31"),
            Example("The talks had been confirmed for Monday.", TUE, "2025-10-27"),
        ),
    ),
    Rule(
        "relative-day",
        p.RELATIVE_DAY_RE,
        r.resolve_relative_day,
        (
            Example("The envoy arrives tomorrow.", MON, "2025-10-28"),
            Example("The ministers spoke yesterday.", MON, "2025-10-26"),
            Example("Tonight he will host a state dinner.", MON, "2025-10-27"),
            Example("The premier speaks this evening.", MON, "2025-10-27"),
            Example("The two will dine tomorrow night.", MON, "2025-10-28"),
            Example("The delegation lands tomorrow morning.", MON, "2025-10-28"),
        ),
    ),
    Rule(
        "relative-period",
        p.RELATIVE_PERIOD_RE,
        r.resolve_relative_period,
        (
            Example("The leaders meet next week.", MON, "2025-W45"),
            Example("A decision is due next month.", MON, "2025-11"),
            Example("The leaders will meet later this week.", MON, "2025-W44"),
            Example("Another meeting will be held early next month.", DEC, "2026-01"),
            Example("A ruling is expected later this month.", MON, "2025-10"),
            Example("The report is due by the end of the month.", MON, "2025-10"),
            Example("Talks resume in the first half of next month.", MON, "2025-11"),
        ),
    ),
    Rule(
        "period-after-next",
        p.PERIOD_AFTER_NEXT_RE,
        r.resolve_period_after_next,
        (
            Example("The envoys return the week after next.", MON, "2025-W46"),
            Example("A decision is expected the month after next.", MON, "2025-12"),
        ),
    ),
    Rule(
        "weekend",
        p.WEEKEND_RE,
        r.resolve_weekend,
        (Example("Leaders will gather this weekend.", MON, "2025-W44"),),
    ),
    Rule(
        "ago",
        p.AGO_RE,
        r.resolve_ago,
        (
            Example("The ceasefire began three days ago.", MON, "2025-10-24"),
            Example("The pact was signed two months ago.", MON, "2025-08"),
        ),
    ),
    Rule(
        "holiday",
        p.HOLIDAY_RE,
        holidays.resolve_holiday,
        (
            Example("The two are to meet on Christmas Eve.", MON, "2025-12-24"),
            Example("On St Patrick's Day the premier will call at the palace.", MON, "2026-03-17"),
            Example("The envoys will meet on Saint Patrick’s Day.", MON, "2026-03-17"),
            Example("Markets reopen after New Year's Day.", MON, "2026-01-01"),
            Example("A reception is planned for New Year's Eve.", MON, "2025-12-31"),
            Example("The ministers will dine on Valentine's Day.", MON, "2026-02-14"),
            Example("The talks resume after Independence Day.", MON, "2026-07-04"),
            Example("The rally is set for Halloween.", MON, "2025-10-31"),
            Example("The pope will celebrate Easter Sunday in the square.", MON, "2026-04-05"),
            Example("The offices close on Good Friday.", MON, "2026-04-03"),
            Example("The leaders meet on Easter Monday.", MON, "2026-04-06"),
            Example("The family will gather on Thanksgiving.", MON, "2025-11-27"),
            Example("The truce held over Christmas.", dt.date(2026, 1, 5), "2025-12-25"),
            Example("They last met on Good Friday 2019.", MON, "2019-04-19"),
            Example("He will return before Easter.", dt.date(2026, 4, 10), "2027-03-28"),
        ),
    ),
    Rule(
        "anaphoric-day",
        p.ANAPHOR_RE,
        anaphora.resolve_anaphor,
        (
            Example(
                "The summit opens on Nov. 20. The day before, he is in Ankara.", MON, "2025-11-19"
            ),
            Example(
                "He lands in Rome on Friday. The following day he goes on to Malta.",
                MON,
                "2025-11-01",
            ),
            Example(
                "The forum runs Nov. 3-4, and the next day the ministers meet.", MON, "2025-11-05"
            ),
            Example(
                "Talks are set for Dec. 2; two days later the envoy flies home.", MON, "2025-12-04"
            ),
            Example(
                "The vote is on Thursday. A day earlier, the cabinet meets.", MON, "2025-10-29"
            ),
            Example(
                "He meets the king on Nov. 12 and the premier later that day.", MON, "2025-11-12"
            ),
            Example("The envoy arrives the day before Thursday's summit.", MON, "2025-10-29"),
            Example("They will meet two days after the Nov. 5 vote.", MON, "2025-11-07"),
            Example("Markets reopen the day after Christmas.", MON, "2025-12-26"),
        ),
    ),
    Rule(
        "ordinal-day",
        p.ORDINAL_DAY_RE,
        r.resolve_ordinal_day,
        (Example("The council will vote on the 30th.", MON, "2025-10-30"),),
        group="expr",
    ),
    Rule(
        "year",
        p.YEAR_RE,
        r.resolve_year,
        (Example("The border has been closed since 2019.", MON, "2019"),),
        group="year",
    ),
)
