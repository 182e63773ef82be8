"""Running a workflow action from a form: commit on success; otherwise roll back and put the reason on the form."""

from flask import abort
from sqlalchemy.orm.exc import StaleDataError

from meldpunt.extensions import db
from meldpunt.reports import workflow


def commit_action(action, form) -> bool:
    """True when the action was applied and committed. A refused action leaves its message in form.form_errors;
    an action the user may not take is a 403."""
    try:
        action()
        db.session.commit()
        return True
    except workflow.WorkflowError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
    except StaleDataError:  # a concurrent change got in between our read and our write
        db.session.rollback()
        form.form_errors.append(str(workflow.STALE_MESSAGE))
    except PermissionError:
        db.session.rollback()
        abort(403)
    db.session.expire_all()
    return False
