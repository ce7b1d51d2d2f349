"""How the audit log reads to a person: actions in words, browsers as a short device name."""

from __future__ import annotations

import re

# Every action the app records, in the words the administrator reads. Codes stay in the
# database and the CSV export; an action missing here is shown from its code.
ACTION_LABELS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_out": "Signed out",
    "password.change": "Changed their password",
    "password.reset_link": "Made a password reset link",
    "password.reset_requested": "Asked for a password reset email",
    "password.reset": "Set a new password from a reset link",
    "two_factor.on": "Turned on two-factor sign-in",
    "two_factor.off": "Turned off two-factor sign-in",
    "two_factor.required": "Required two-factor sign-in for everyone",
    "two_factor.optional": "Made two-factor sign-in optional",
    "two_factor.recovery_codes": "Made new recovery codes",
    "couple.view": "Opened a couple's page",
    "couple.create": "Added a couple",
    "couple.update": "Changed a couple's details",
    "couple.archive": "Archived a couple",
    "couple.restore": "Restored a couple",
    "couple.export": "Exported a couple's record",
    "couple.delete": "Deleted a couple",
    "couple.move": "Moved a couple to another counselor",
    "counselor.deactivate": "Closed a counselor's account",
    "homework.assign": "Assigned homework",
    "homework.view": "Opened homework",
    "homework.update": "Changed homework",
    "homework.review": "Reviewed homework",
    "homework.cancel": "Cancelled homework",
    "link.use": "A partner opened their link",
    "link.revoke": "Turned off a partner's link",
    "link.reissue": "Made a new partner link",
    "link.handout": "Printed a link handout",
    "session.create": "Recorded a session",
    "session.view": "Opened a session",
    "session.update": "Changed a session",
    "session.delete": "Deleted a session",
    "session.export": "Downloaded a session summary",
    "session.print": "Printed a session summary",
    "exercise.create": "Wrote an exercise",
    "exercise.update": "Changed an exercise",
    "exercise.delete": "Deleted an exercise",
    "exercise.restore": "Restored an exercise",
    "practice.update": "Changed the practice settings",
}


def action_label(code: str) -> str:
    """'couple.view' → "Opened a couple's page"; an unknown 'reminder.sent' → 'Reminder sent'."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    words = re.sub(r"[._]+", " ", code).strip()
    return words[:1].upper() + words[1:] if words else code


ACTOR_LABELS = {"partner_link": "A partner's link", "system": "The app"}

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Mac", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def device(user_agent: str | None) -> str:
    """A short description of a browser identification string: 'Safari on iPhone',
    'Chrome on Windows', 'Firefox'; '' when there is none. The full string stays in the CSV."""
    if not user_agent:
        return ""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    # A script or a tool: its first word, e.g. 'curl', 'python-requests'.
    first = re.split(r"[\s/;(]", user_agent.strip(), maxsplit=1)[0]
    return first[:40] or "Unknown browser"
