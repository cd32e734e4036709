"""What the demo couple says: their answers, check-in notes, memories and thanks.

Partner 0 sets Closer up (by default Maya, in Lisbon); partner 1 is the other (Jun, in Seoul).
Answers to the daily question are looked up by the question's text (``ANSWERS``: the questions the
default week draws); any other question gets one of the partner's answers that fit any question.
"""

from __future__ import annotations

from datetime import time
from functools import cache
from importlib import resources

NAMES = ("Maya", "Jun")
ZONES = ("Lisbon", "Seoul")


@cache
def sample_photo() -> bytes:
    """The bundled photo of the memory (an original drawing: a sunset at a lighthouse)."""
    return resources.files("bot.demo").joinpath("assets/sample-photo.jpg").read_bytes()


# When each partner answers the day's question (their own local time), Monday first.
ANSWER_TIMES: tuple[tuple[time, time], ...] = (
    (time(9, 20), time(18, 40)),
    (time(12, 40), time(19, 5)),
    (time(9, 45), time(21, 30)),
    (time(9, 10), time(19, 20)),
    (time(12, 55), time(18, 50)),
    (time(10, 30), time(22, 15)),
    (time(9, 40), time(20, 50)),
)

# The daily question's answers for the questions the default week draws: text -> (partner 0, 1).
# ``{here}`` is the city of the one answering, ``{there}`` their partner's.
ANSWERS: dict[str, tuple[str, str]] = {
    "In what ways do you think the distance has made us stronger?": (
        "We got good at saying things out loud. When you can't read someone's face across the "
        'table, you learn to say "I\'m sad" or "I\'m proud of you" in actual words. I like who we '
        "are when we do that.",
        "We never waste a call. And I trust you in a way that doesn't need checking: I know you're "
        "there even when it's the middle of my night and lunchtime in {there}.",
    ),
    "What's a gloriously pointless goal you'd love to achieve just for the story, like visiting "
    "every lighthouse on a coast?": (
        "Try the custard tart of every café in {here} that claims to make the best one. For science. "
        "There would be a spreadsheet.",
        "Ride every metro line in {here} end to end in one day, with a photo at each terminus. You "
        "can come, but you're in charge of snacks.",
    ),
    "What's a little ritual of ours you'd hate for us to lose?": (
        "Your good-morning voice messages. They arrive while I'm asleep, so they're the first nice "
        "thing of every day.",
        "Saturday calls where we cook the same thing at the same time, even when mine burns.",
    ),
    "Which meal from your life are you still grateful for, whether for the taste or the company?": (
        "The soup your grandmother made when I visited, the one I still can't pronounce. She kept "
        "refilling my bowl without asking and I felt like family.",
        "Grilled sardines at that tiny place by the river, my first night in {there}. Far too many "
        "bones, best dinner of my life, because you wouldn't stop laughing at me.",
    ),
    "Which book do you wish you could read again for the first time?": (
        "The Little Prince. I read it at eleven and thought it was about a fox. It's about taming "
        "each other, which I only understood last year.",
        "Kafka on the Shore. I'd like to be that confused again for the first time.",
    ),
    "What kind of pet, plant or creature would you love to look after in the future?": (
        "A fat old cat who ignores us both and sleeps on the warm side of the bed.",
        "A lemon tree on a balcony, big enough for one glass of lemonade a year. I would be very proud "
        "of that glass.",
    ),
    "What's your favourite photo of us, and why that one?": (
        "The blurry one at the airport, the first time you came. Both of us mid-laugh, nobody "
        "looking at the camera. It's the most honest photo we have.",
        "The screenshot of our first call that lasted till sunrise: you asleep, me still talking. I "
        "look at it more often than I'd admit.",
    ),
}

# Answers that fit any question, for the days the bank draws something else.
ANY_QUESTION: tuple[tuple[str, ...], tuple[str, ...]] = (
    (
        "I started answering on the tram and had to stop because I was smiling like an idiot. "
        "Short version: it has you in it. Long version on our call?",
        "I wrote three answers and deleted two. The one that stayed: I want to find out together.",
        "I had to think about this all morning, which I suppose is the point. Short answer: slower "
        "mornings, with you. The long one on Saturday.",
    ),
    (
        "Good one. I thought about it on the walk home. I think my answer has changed since I met "
        "you, and I like the new one better.",
        "I'm going to be brave and say the true thing: I don't know yet, but I want to work it out with you.",
        "This made me think of your kitchen in {there}, and how quiet it was with the window open. "
        "That's my answer, more or less.",
    ),
)


def answer(partner: int, question: str, day: int, here: str, there: str) -> str:
    """``partner``'s answer to ``question`` (asked on question day ``day``), living in ``here``."""
    key = " ".join(question.strip("*_~ \n").split())
    if key in ANSWERS:
        text = ANSWERS[key][partner]
    else:
        pool = ANY_QUESTION[partner]
        text = pool[(day - 1) % len(pool)]
    return text.format(here=here, there=there)


# Check-ins, Monday first: (mood 1-5, note or None) for each partner.
CHECKINS: tuple[tuple[tuple[int, str | None], ...], tuple[tuple[int, str | None], ...]] = (
    (
        (3, "Long Monday. The new project is big and I'm a bit scared of it, but in a good way."),
        (4, None),
        (2, "Missed you a lot today. Ate dinner standing up in the kitchen, which is always a sign."),
        (4, None),
        (5, "Friday! Bought the tiles for the bathroom. You'll pretend to love them."),
        (5, "Best call in weeks."),
        (4, None),
    ),
    (
        (4, "Good day at the studio. The river walk home was gold."),
        (3, None),
        (4, None),
        (3, "Tired. Deadline tomorrow, then I'm all yours."),
        (4, None),
        (5, None),
        (4, "Quiet Sunday. Did the laundry, called my mum, counted days."),
    ),
)

LOVE: tuple[dict[str, str], dict[str, str]] = (
    {"primary": "words", "secondary": "time"},
    {"primary": "time", "secondary": "service"},
)

APPRECIATION = (
    "Thank you for staying up past midnight on Sunday to help me rehearse. "
    "I walked into that meeting with your voice in my head."
)
WIN = "Presented the redesign to the whole team, and they want it in production next month!"

MEMORY_TITLE = "Sunset at Cabo da Roca"
MEMORY_TEXT = (
    "The evening we missed the last bus back and didn't care. The lighthouse came on just as the "
    "sun touched the sea, and we ate the last of the pastéis de nata on the rocks."
)
CALL_MEMORY = (
    "Cooking the same recipe in two kitchens",
    "Saturday call: we both made bibimbap. Yours looked right. Mine had too much gochujang and we "
    "laughed until my eyes watered.",
)

GRATITUDE: tuple[tuple[str, str, str], tuple[str, str, str]] = (
    (
        "The good morning voice message that was waiting when I woke up",
        "Sunshine on the walk to work",
        "My sister calling just to chat",
    ),
    (
        "Maya sending the photo of her new tiles (I love them, really)",
        "A colleague bringing me coffee when I was drowning",
        "Finally fixing the squeaky door",
    ),
)

# The weekly check-in session, by step title (``data/rituals.toml``); anything else: the last one.
SESSION: tuple[dict[str, str], dict[str, str]] = (
    {
        "How are you feeling?": "Mostly good. High point: the presentation on Wednesday. Low point: Wednesday "
        "night, when I missed you so much I couldn't sleep.",
        "A concern": "Sometimes I worry that my busy weeks make me boring on our calls. Tell me if I'm "
        "ever just half there.",
        "A dream": "Us, a balcony, no time difference. Also a dog. Mostly the balcony.",
        "Appreciation": "You answered every question this week even when you were exhausted. I noticed.",
        "Next week": "Watch the same film on Friday, start to finish, no pausing to check the time.",
    },
    {
        "How are you feeling?": "Tired but happy. High point: Saturday's call. Low point: the "
        "deadline on Thursday.",
        "A concern": "Not really a worry, more a wish: I'd like us to plan the visit properly, with "
        "lists, so it doesn't feel so far away.",
        "A dream": "Showing you the market near my flat at 7am, when it smells of fish and rice cakes.",
        "Appreciation": "Your good-morning voice messages. I play them twice.",
        "Next week": "Yes to the film. I'll make the popcorn at 4am, it's fine.",
    },
)


def session_answer(partner: int, step_title: str) -> str:
    answers = SESSION[partner]
    return answers.get(step_title) or answers["Next week"]
