"""gunicorn's access log without the secrets some requests carry: a reporter's tracking token (/volg/<token>), a
satisfaction answer (/tevredenheid/<token>) and an Open311 api_key in the query. Anyone who reads the log could
otherwise open the report, its messages and the withdrawal button, or file reports as a partner. deploy/gunicorn.conf.py
names this logger."""

import re

from gunicorn.glogging import Logger

SECRET_SEGMENT = re.compile(r"(/(?:volg|tevredenheid)/)[^/?#\s]+")
SECRET_PARAMETER = re.compile(r"((?:^|[?&])api_key=)[^&#\s]*")
REDACTED = "[token]"


def redact_path(text: str) -> str:
    text = SECRET_SEGMENT.sub(lambda match: match.group(1) + REDACTED, text)
    return SECRET_PARAMETER.sub(lambda match: match.group(1) + REDACTED, text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_path(atoms[key])
        return atoms
