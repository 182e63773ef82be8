"""gunicorn's access log without the secrets some paths carry: a reporter's tracking token (/volg/<token>) and a
satisfaction answer (/tevredenheid/<token>). Anyone who reads the log could otherwise open the report, its messages
and the withdrawal button. deploy/gunicorn.conf.py names this logger."""

import re

from gunicorn.glogging import Logger

SECRET_SEGMENT = re.compile(r"(/(?:volg|tevredenheid)/)[^/?#\s]+")
REDACTED = "[token]"


def redact_path(text: str) -> str:
    return SECRET_SEGMENT.sub(lambda match: match.group(1) + REDACTED, text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
