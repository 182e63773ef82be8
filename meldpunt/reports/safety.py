"""Field safety (DESIGN §8): a report that mentions a weapon, violence or a group carries a safety flag, and a
field officer is asked to think before claiming it alone."""


def mentions_danger(answers: dict) -> bool:
    return (
        answers.get("weapon") == "ja"
        or answers.get("danger") == "ja"
        or answers.get("people_involved") == "groep"
        or answers.get("group_size") == "groep"
    )
