"""Every write to an application: one transaction, the row locked, one event appended.

Split by stage: intake (收件、受理), review (审批环节、特别程序、延期) and results (送达、跑动).
"""

from .common import lock_for_action, save_transition
from .intake import (
    accept_application,
    deem_accept_application,
    reject_application,
    remind_corrections,
    request_correction,
    resubmit_application,
    submit_application,
    upload_material,
    withdraw_application,
)
from .results import deliver_application, record_visit
from .review import (
    approve_step,
    assign_step,
    deny_step,
    extend_application,
    refresh_deadlines,
    resume_application,
    suspend_application,
)

__all__ = [
    "accept_application", "approve_step", "assign_step", "deem_accept_application", "deliver_application", "deny_step",
    "extend_application", "lock_for_action", "record_visit", "refresh_deadlines", "reject_application",
    "remind_corrections", "request_correction", "resubmit_application", "resume_application", "save_transition",
    "submit_application", "suspend_application", "upload_material", "withdraw_application",
]
