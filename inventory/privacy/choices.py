"""Choice sets of the access log: what was done with a client's data, with what outcome, and why."""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_


class AccessAction(StrEnum):
    """What was done with a client's data, as written to the access log."""

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PRINT = "print"
    EXPORT = "export"
    ANONYMISE = "anonymise"


ACCESS_ACTION_LABELS: dict[AccessAction, str] = {
    AccessAction.READ: N_("viewed"),
    AccessAction.CREATE: N_("recorded"),
    AccessAction.UPDATE: N_("changed"),
    AccessAction.DELETE: N_("removed"),
    AccessAction.PRINT: N_("printed"),
    AccessAction.EXPORT: N_("exported"),
    AccessAction.ANONYMISE: N_("erased"),
}


class AccessOutcome(StrEnum):
    """Whether the access was allowed or refused."""

    SUCCESS = "success"
    REFUSED = "refused"


class Purpose(StrEnum):
    """Why a client's data was processed: each client route declares one in `opt["purpose"]`."""

    CLIENT_REGISTER = "client_register"
    CLIENT_LIST = "client_list"
    CLIENT_RECORD = "client_record"
    ASSESSMENT = "assessment"
    ORIENTATION = "orientation"
    RESERVATION = "reservation"
    HANDOVER = "handover"
    LOAN_RETURN = "loan_return"
    LOAN_FOLLOW_UP = "loan_follow_up"
    DOCUMENT = "document"
    DATA_EXPORT = "data_export"
    DATA_ERASURE = "data_erasure"
    RETENTION = "retention"
    DEVICE_STEP = "device_step"


PURPOSE_LABELS: dict[Purpose, str] = {
    Purpose.CLIENT_REGISTER: N_("Registering a client"),
    Purpose.CLIENT_LIST: N_("Listing clients"),
    Purpose.CLIENT_RECORD: N_("Keeping the client record"),
    Purpose.ASSESSMENT: N_("Digital skills assessment"),
    Purpose.ORIENTATION: N_("Digital orientation"),
    Purpose.RESERVATION: N_("Reserving a device"),
    Purpose.HANDOVER: N_("Handing over or lending a device"),
    Purpose.LOAN_RETURN: N_("Return of a lent device"),
    Purpose.LOAN_FOLLOW_UP: N_("Following up loans"),
    Purpose.DOCUMENT: N_("Printing a document for the client"),
    Purpose.DATA_EXPORT: N_("The client's request for their data"),
    Purpose.DATA_ERASURE: N_("The client's request to erase their data"),
    Purpose.RETENTION: N_("The retention period ended"),
    Purpose.DEVICE_STEP: N_("A device lifecycle step"),
}
