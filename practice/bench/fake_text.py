"""Made-up names, notes and answers for the benchmark's practice."""

from __future__ import annotations

import random
from typing import Any

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Eun-ji",
    "Farah",
    "Gabriel",
    "Hana",
    "Ibrahim",
    "Jonas",
    "Keiko",
    "Liam",
    "María José",
    "Noah",
    "Olúwaseun",
    "Priya",
    "Quinn",
    "Rafael",
    "Søren",
    "Tamar",
    "Uma",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Amélie",
    "Björn",
    "Chidi",
    "Dana",
    "Émile",
    "Fatima",
    "Grace",
    "Hiroshi",
    "Ingrid",
    "José",
    "Kateřina",
    "Lea",
    "Mateo",
    "Nadia",
    "Oskar",
    "Paulina",
    "Ravi",
    "Sofía",
    "Tomás",
    "Yara",
    "李娜",
    "Магда",
)
LAST_NAMES = (
    "Silva",
    "Okafor",
    "Nguyễn",
    "Müller",
    "O'Brien",
    "García",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Johansson",
    "Novák",
    "Đorđević",
    "Smith",
    "Cohen",
    "Rossi",
    "Kim",
    "Ivanova",
    "Dubois",
    "Mensah",
    "Patel",
    "Andersen",
    "Łukasik",
    "Schäfer",
    "Abebe",
    "Costa",
)
PRONOUNS = ("she/her", "he/him", "they/them", None, None, None)
SENTENCES = (
    "We talked after dinner without our phones, which felt strange at first.",
    "I noticed I started planning my answer before she finished, so I stopped and asked again.",
    "He said he felt unheard when I changed the subject; I had not realized that.",
    "It was easier on Tuesday than on Sunday, when we were both tired.",
    "We laughed about the café where we had our first date — it closed last year.",
    "I felt anxious bringing up money again, but we stayed calm the whole time.",
    "She thanked me for the dishes and I realized how much that small thing matters to me.",
    "We skipped one evening because of the kids' schedule and did two the next day.",
    "My partner reflected back what I said and got it right on the second try.",
    "I wrote three things I appreciate and read them out loud; it felt a bit awkward 🙂",
    "We argued about the holidays with his family, then took a twenty-minute break.",
    "Coming back after the break worked: we both apologized for the tone.",
    "I need more time alone on weekends, and I managed to say it without blaming.",
    "The check-in was short, ten minutes, but it kept us from drifting apart this week.",
    "Honestly I forgot twice. The reminder on the fridge helped.",
    "We tried the walk without screens — naïve of us to think the dog would cooperate.",
    "I felt closer to him afterwards, and we slept better ❤️",
    "It brought up an old hurt from last spring that we want to talk about in session.",
    "She asked open questions instead of yes/no ones and I talked more than usual.",
    "We disagreed about the budget but agreed on one thing to try until next session.",
    "Work was overwhelming, so we did the shorter version; still better than nothing.",
    "I caught myself saying “you always” and rephrased it as an I-statement.",
    "We celebrated a small win: a whole week without a slammed door.",
    "Next time I want to start earlier in the evening, before we are exhausted.",
)
ITEMS = (
    "made coffee for me",
    "listened without fixing",
    "planned the weekend",
    "called my mother",
    "a walk by the river",
    "cooking together",
    "the kids' bedtime",
    "a hug at the door",
    "told me about their day",
    "a handwritten note",
    "fixed the bike",
    "remembered the dentist",
)
FEELINGS = ("hurt", "lonely", "overlooked", "relieved", "anxious", "grateful", "frustrated")


class TextPool:
    """Notes of realistic length (50–400 characters), some with accents and emoji,
    made once and reused: generating text per row would dominate the build time."""

    def __init__(self, rng: random.Random, size: int = 600) -> None:
        self.rng = rng
        self.notes = [self._note(rng.randint(50, 400)) for _ in range(size)]
        self.short = [self._note(rng.randint(50, 120)) for _ in range(size)]

    def _note(self, length: int) -> str:
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            parts.append(self.rng.choice(SENTENCES))
        note = " ".join(parts)[:length]
        return note.rsplit(" ", 1)[0] if " " in note[40:] else note

    def note(self) -> str:
        return self.rng.choice(self.notes)

    def short_note(self) -> str:
        return self.rng.choice(self.short)


def answers_for(prompts: list[dict[str, Any]], rng: random.Random, pool: TextPool) -> dict:
    """Answers shaped like the prompt types (see practice/exercises/format.py, PROMPT_CLASSES)."""
    answers: dict[str, Any] = {}
    for prompt in prompts:
        kind = prompt.get("type")
        if kind == "scale":
            answers[prompt["key"]] = rng.randint(1, 5)
        elif kind == "yes_no":
            answers[prompt["key"]] = "yes" if rng.random() < 0.7 else "no"
        elif kind == "list":
            items = prompt.get("items")
            count = items if isinstance(items, int) else 3
            answers[prompt["key"]] = rng.sample(ITEMS, min(count, len(ITEMS)))
        elif kind == "i_statement":
            answers[prompt["key"]] = {
                "feel": rng.choice(FEELINGS),
                "when": pool.short_note()[:80],
                "because": pool.short_note()[:80],
                "need": pool.short_note()[:80],
            }
        else:
            answers[prompt["key"]] = pool.short_note()
    return answers
