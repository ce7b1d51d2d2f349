"""The reminder rules and hours (no imports: the assign form needs them while homework loads)."""

# What the counselor picks per assignment (the practice's default preselected).
RULES = {
    "none": "No reminders",
    "day_before": "The day before it is due",
    "due_day": "On the due day, if not done",
    "daily_nudge": "A nudge on its schedule until its entries are in (repeating homework)",
}
# Reminders go out between these local hours only (quiet hours 21:00-08:00).
FIRST_HOUR, LAST_HOUR = 8, 20
DEFAULT_SUBJECT = "A message from your counselor"
