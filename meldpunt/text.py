"""Plain text from people: control characters removed. A NUL or a backspace is never meant by a person typing
a report; PostgreSQL cannot store NUL in text at all, and echoing control characters back is a hazard."""

import re

# C0 controls and DEL, except tab, line feed and carriage return (a textarea's line breaks are CR LF).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)
