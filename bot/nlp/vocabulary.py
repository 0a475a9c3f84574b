"""Word lists the event rules use: what names a meeting, what hedges it, what calls it off.

Kept as data so that they can be reviewed and extended without touching the rules.
"""

# Nouns that name a meeting between leaders or a gathering of them.
MEETING_NOUNS = frozenset(
    {
        "meeting", "meet", "summit", "talks", "talk", "appointment", "visit", "conference",
        "dialogue", "encounter", "gathering", "session", "negotiation", "negotiations",
        "forum", "audience", "tete-a-tete", "bilateral", "sit-down", "stop", "retreat",
        "consultations", "discussions", "lunch", "luncheon", "dinner", "breakfast",
        "banquet", "pull-aside",
    }
)  # fmt: skip

# Nouns that are meetings only with a modifier: "a courtesy call" (not a phone call).
MODIFIED_MEETING_NOUNS: dict[str, frozenset[str]] = {
    "call": frozenset({"courtesy"}),
    "aside": frozenset({"pull"}),
}

# Verbs that, negated, leave a meeting possible: "did not rule out a meeting".
NEGATED_HEDGES = frozenset({"rule", "exclude"})

# Nouns that name a multilateral gathering when they carry a proper-noun modifier.
GATHERING_NOUNS = frozenset(
    {"summit", "meeting", "forum", "conference", "dialogue", "session", "council", "assembly"}
)

# Verbs whose object or complement is a meeting partner or a venue.
MEETING_VERBS = frozenset(
    {"meet", "host", "visit", "attend", "receive", "gather", "hold", "convene", "join",
     "welcome", "lead", "see"}
)  # fmt: skip

# Verbs that name a meeting only with a particle or preposition: "sit down with Xi",
# "call on the president" (a courtesy call), "meet up with".
PHRASAL_MEETING_VERBS: dict[str, frozenset[str]] = {
    "sit": frozenset({"down"}),
    "call": frozenset({"on", "upon"}),
}

# Words that make a meeting one of several people together, not a set of bilaterals.
GROUP_MEETING_WORDS = frozenset(
    {"summit", "conference", "forum", "gathering", "trilateral", "three-way", "multilateral",
     "jointly", "together", "joint", "between", "among", "host", "hosts", "hosting", "hosted",
     "session", "retreat", "dinner", "lunch", "banquet", "reception", "roundtable", "group"}
)  # fmt: skip

# Verbs that only count when their object is a meeting noun ("hold talks", "lead delegation").
LIGHT_VERBS = frozenset({"hold", "join", "lead"})

# Nouns a rule may climb through from a meeting to the verb that dates it ("in time for").
LIGHT_NOUNS = frozenset(
    {"time", "way", "eve", "run-up", "preparation", "preparations", "chair", "sidelines",
     "sideline", "margins", "margin", "opening", "delegation", "side", "string", "series",
     "round", "number", "couple", "slew", "flurry"}
)  # fmt: skip

# Prepositions that put the meeting after (or before) the clause's own date.
ORDERING_PREPOSITIONS = frozenset({"ahead", "before", "after", "following", "since", "prior"})

# Modals that leave a meeting only possible: "could meet", "may visit".
HEDGING_MODALS = frozenset({"could", "may", "might"})
# Words that make a meeting only possible.
HEDGE_WORDS = HEDGING_MODALS | frozenset(
    {
        "possible", "possibly", "possibility", "chance", "chances",
        "speculation", "open", "likely", "probable", "probably", "consider", "considering",
        "mull", "mulling", "propose", "proposed", "proposal", "offer", "offered", "suggest",
        "suggested", "hope", "hoped", "hopes", "potential", "consideration", "discussion", "mooted",
        "reportedly", "understood", "believed", "rumoured", "rumored", "purportedly",
        "tentative", "tentatively", "perhaps", "seek", "seeking", "ready", "willing",
        "whether", "if", "unless", "want", "wants", "wish", "like", "eager", "keen",
    }
)  # fmt: skip

POSTPONE_WORDS = frozenset(
    {"postpone", "postponed", "postponement", "delay", "delayed", "defer", "deferred",
     "reschedule", "rescheduled", "push", "put", "shelve", "shelved", "suspend", "suspended"}
)  # fmt: skip
CANCEL_WORDS = frozenset({"cancel", "cancelled", "canceled", "cancellation", "scrap", "scrapped",
                          "call", "abandon", "abandoned", "axe", "axed"})  # fmt: skip
# Particles that make "call", "put" and "push" cancelling or postponing verbs.
STATUS_PARTICLES = {
    "call": frozenset({"off"}),
    "put": frozenset({"off", "back"}),
    "push": frozenset({"back"}),
}

# Verbs of saying: their own tense says nothing about the meeting they report.
REPORTING_VERBS = frozenset(
    {"say", "tell", "announce", "report", "confirm", "add", "note", "state", "declare",
     "insist", "predict", "reveal", "disclose", "indicate", "signal", "write"}
)  # fmt: skip

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})

# Hedges only as adjectives: "open to a meeting", not "the forum opens".
ADJECTIVE_HEDGES = frozenset({"open", "ready", "willing"})

# What the object of a meeting verb must be for the verb to name a meeting: "host Khan",
# "visit Dili", "attend the G20" — not "receive shares", "attend a vigil".
_PEOPLE = frozenset({"PERSON", "TITLE", "NORP"})
_PLACES = frozenset({"GPE", "LOC", "FAC"})
VERB_OBJECTS: dict[str, frozenset[str]] = {
    "receive": _PEOPLE,
    "see": frozenset({"PERSON", "TITLE"}),  # "he would also see Lula", not "see progress"
    "welcome": _PEOPLE,
    "host": _PEOPLE | frozenset({"ORG", "EVENT"}),
    "visit": _PEOPLE | _PLACES,
    "attend": frozenset({"ORG", "EVENT"}),
    "join": frozenset({"ORG", "EVENT"}),
}
# Common nouns that stand for a person as the object of such a verb.
PERSON_NOUNS = frozenset(
    {"president", "leader", "leaders", "minister", "counterpart", "counterparts", "king",
     "queen", "emperor", "premier", "chancellor", "delegation", "delegates", "envoy", "pope",
     "emir", "prince", "officials", "heads", "secretary"}
)  # fmt: skip
# Objects that make "meet" mean something else: "meet the deadline".
NOT_MEETING_OBJECTS = frozenset(
    {"deadline", "demand", "target", "need", "requirement", "expectation", "criterion",
     "standard", "goal", "obligation", "cost", "condition", "challenge", "end", "fate",
     "threshold", "quota", "payment", "death"}
)  # fmt: skip
# Bodies whose sessions are of lawmakers or judges, not meetings of leaders.
LEGISLATURES = frozenset(
    {"diet", "parliament", "congress", "senate", "legislature", "knesset", "duma",
     "bundestag", "lok", "sabha", "court", "parliamentary", "congressional", "legislative"}
)  # fmt: skip

# Modifiers that make a meeting word name something that is not a meeting of leaders.
NOT_MEETING_MODIFIERS = frozenset(
    {"news", "press", "phone", "telephone", "town", "hall", "town-hall", "campaign",
     "fundraising", "prayer", "video", "virtual", "business", "ceo", "investor",
     "investors", "business-20"}
)  # fmt: skip
# Prepositions after which a meeting is only talked about, not attended.
ABOUT_PREPOSITIONS = frozenset({"about", "regarding", "concerning", "over"})

# Plural subjects that stand for a group's members: "leaders of the Group of Seven".
GROUP_MEMBERS = frozenset({"leader", "head", "minister", "member", "president", "delegate"})

# Nouns that name a group of countries or leaders whose meetings are its own gatherings:
# "the coalition of the willing will hold a meeting".
GROUPS = frozenset({"coalition", "alliance", "bloc", "grouping", "quad", "troika", "contact"})

# Words of a title that come right before a person's name: "Home Minister Asaduzzaman Khan".
TITLE_WORDS = frozenset(
    {"president", "minister", "premier", "chancellor", "secretary", "king", "queen", "emir",
     "sultan", "prince", "princess", "sheikh", "emperor", "pope", "leader", "governor",
     "mayor", "senator", "ambassador", "envoy", "spokesman", "spokeswoman", "chairman",
     "chairwoman", "chief", "general", "commissioner", "vice-president", "taoiseach"}
)  # fmt: skip

# Verbs whose object is asked to do something it has not yet agreed to: "invited X to visit".
INVITING_VERBS = frozenset({"invite", "ask", "urge", "press", "encourage", "request"})

# Last words of names the model often labels as places but that name organisations:
# "the Asia-Pacific Economic Cooperation", "the European Union".
ORGANISATION_HEADS = frozenset(
    {"cooperation", "union", "organization", "organisation", "council", "community", "forum",
     "alliance", "partnership", "association", "league", "bloc", "group", "commonwealth",
     "nations", "assembly", "parliament", "commission"}
)  # fmt: skip

# Meeting words of one kind: a bare "the meeting" may sharpen the date of a "meet" event.
MEETING_FAMILIES = {
    "meet": "meeting", "meeting": "meeting", "talk": "meeting", "talks": "meeting",
    "encounter": "meeting", "appointment": "meeting", "session": "meeting",
    "summit": "summit", "conference": "summit", "forum": "summit", "gathering": "summit",
    "visit": "visit", "trip": "visit", "stop": "visit",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Tense and planning words (owned by the date resolver, bot.nlp.temporal; one list for both
# the dates and the events). A date's tense comes from the words between it and its verb.
# --------------------------------------------------------------------------------------------

# Lemmas of verbs and adjectives of planning: "is due on", "expected to", "scheduled for".
PLANNING_LEMMAS = frozenset(
    {"due", "expect", "expected", "schedule", "scheduled", "slate", "slated", "plan", "planned",
     "intend", "poise", "poised", "likely", "effective", "payable", "unlikely", "prepare", "aim",
     "hope"}
)  # fmt: skip
# Auxiliaries that make a meeting definite ("will meet"); they, the hedging modals ("could
# meet") and the other modals put their verb ahead of the report.
FIRM_AUXILIARIES = frozenset({"will", "'ll", "shall"})
FUTURE_AUXILIARIES = FIRM_AUXILIARIES | HEDGING_MODALS | {"wo", "would", "must", "should"}
# Planning words that fix a meeting rather than only intend it: "is due", "is set for".
FIRM_PLANNING_WORDS = frozenset({"due", "expected", "scheduled", "set", "slated"})
FIRM_CUES = FIRM_AUXILIARIES | FIRM_PLANNING_WORDS
# Verbs whose "to"-infinitive looks ahead: "agreed to meet on Friday", "plans to visit".
FUTURE_INFINITIVE_GOVERNORS = frozenset(
    {"agree", "decide", "promise", "pledge", "vow", "offer", "plan", "expect", "schedule",
     "hope", "intend", "want", "seek", "aim", "prepare", "threaten", "set", "due", "likely",
     "ready", "go", "invite", "ask", "urge", "slate", "poise"}
)  # fmt: skip
# Modifiers that make what they modify a coming thing: "the upcoming summit", "ahead of".
COMING_WORDS = frozenset({"ahead", "upcoming", "forthcoming", "coming"})
# Modifiers of a meeting noun that put it ahead: "the next summit", "the planned visit".
AHEAD_MODIFIERS = COMING_WORDS | {"next", "planned"}
# Words that, with no modal, point a clause ahead: "is going to", "set to", "to meet".
FUTURE_MARKERS = frozenset({"going", "next", "set", "to"})
# Words on the way from a date to its verb that make the date a past one: "since Jan. 13".
PAST_PATH_WORDS = frozenset({"since", "ago"})
# A period that runs up to a date mostly ends after the report: "postponed until Tuesday".
OPEN_END_WORDS = frozenset({"until", "till"})
# "Through" ends periods on both sides ("this year through Oct. 19"): it cancels a past tense.
NEUTRAL_END_WORDS = frozenset({"through", "thru"})
BE_PRESENT = frozenset({"is", "are", "am", "'s", "'re", "'m"})
BE_PAST = frozenset({"was", "were"})
# Verbs that fix a date for something: "has been confirmed for Saturday", "was set for Friday".
# The date after their "for" is the appointment's, not the deciding's; it lies ahead unless
# the verb is in the past perfect ("had been scheduled for Tuesday").
SCHEDULING_LEMMAS = frozenset(
    {"schedule", "reschedule", "set", "plan", "slate", "confirm", "fix", "arrange", "book",
     "move", "pencil", "earmark", "slot"}
)  # fmt: skip
# Lemmas of the clause about a meeting that plan it: "a visit that had been planned for May".
PLANNING_CLAUSE_LEMMAS = PLANNING_LEMMAS | SCHEDULING_LEMMAS
# Verbs that, in "is being …", leave a meeting still unsettled: "a meeting is being arranged".
UNSETTLED_VERBS = frozenset(
    {"arrange", "discuss", "negotiate", "explore", "consider", "plan", "prepare", "work"}
)
# Verbs that, negated, take back the certainty of meetings just named: "not yet confirmed".
CONFIRMING_VERBS = frozenset({"confirm", "finalise", "finalize", "fix", "announce", "set"})
# Verbs of an itinerary, whose present tense tells what is to come ("then flies to Rome").
TRAVEL_VERBS = frozenset(
    {"go", "travel", "fly", "head", "leave", "depart", "move", "continue", "proceed", "arrive"}
)
