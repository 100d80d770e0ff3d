"""The registry's fixed vocabularies, each value with the label people see."""

from __future__ import annotations

from enum import StrEnum


def counted(n: int, singular: str, plural: str = "") -> str:
    """`1 tool`, `2 tools`; `plural` for nouns that do not just take an s."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def lowerfirst(label: str) -> str:
    """A label inside a sentence: "By hand" -> "by hand", but "CSV export" stays as it is."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


class Labelled(StrEnum):
    """A StrEnum whose members carry a human label: MEMBER = ("value", "Label")."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def from_text(cls, text: str) -> Labelled | None:
        """Match a value or a label, ignoring case and spaces."""
        wanted = "".join(text.split()).casefold()
        for member in cls:
            if wanted in ("".join(member.value.split()).casefold(), "".join(member.label.split()).casefold()):
                return member
        return None


class Category(Labelled):
    CRM = ("crm", "CRM")
    MARKETING = ("marketing", "Marketing automation")
    SUPPORT = ("support", "Support")
    PROJECT = ("project", "Project management")
    COMMUNICATION = ("communication", "Communication")
    FINANCE = ("finance", "Finance / ERP")
    ANALYTICS = ("analytics", "Analytics")
    HR = ("hr", "HR")
    ENGINEERING = ("engineering", "Engineering")
    OTHER = ("other", "Other")


class DataKind(Labelled):
    CONTACTS = ("contacts", "Contacts")
    DEALS = ("deals", "Deals")
    LEADS = ("leads", "Leads")
    TICKETS = ("tickets", "Tickets")
    TASKS = ("tasks", "Tasks")
    INVOICES = ("invoices", "Invoices")
    PAYMENTS = ("payments", "Payments")
    EMPLOYEES = ("employees", "Employees")
    PRODUCT_USAGE = ("product_usage", "Product usage")
    OTHER = ("other", "Other")


class IntegrationOption(Labelled):
    REST_API = ("rest_api", "Public REST API")
    WEBHOOKS = ("webhooks", "Webhooks")
    OAUTH_APPS = ("oauth_apps", "OAuth apps")
    CONNECTORS = ("connectors", "Zapier / Make / Workato connectors")
    CSV_ONLY = ("csv_only", "CSV export only")
    NONE = ("none", "None")


class State(Labelled):
    """Where an integration stands in its life."""

    PROPOSED = ("proposed", "Proposed")
    SECURITY_REVIEW = ("security_review", "In security review")
    CHANGES_REQUESTED = ("changes_requested", "Changes requested")
    AWAITING_APPROVAL = ("awaiting_approval", "Awaiting approval")
    APPROVED = ("approved", "Approved")
    IN_SANDBOX = ("in_sandbox", "In sandbox")
    LIVE = ("live", "Live")
    SUSPENDED = ("suspended", "Suspended")
    RETIRING = ("retiring", "Retiring")
    REJECTED = ("rejected", "Rejected")
    RETIRED = ("retired", "Retired")


OPEN_PROPOSAL = frozenset(
    {State.PROPOSED, State.SECURITY_REVIEW, State.CHANGES_REQUESTED, State.AWAITING_APPROVAL}
)
IN_FLIGHT = frozenset({State.APPROVED, State.IN_SANDBOX})
ENDED = frozenset({State.REJECTED, State.RETIRED})


class Direction(Labelled):
    ONE_WAY = ("one_way", "One-way (source -> target)")
    BI_DIRECTIONAL = ("bi_directional", "Bi-directional")


class ConflictRule(Labelled):
    SOURCE_WINS = ("source_wins", "Source wins")
    TARGET_WINS = ("target_wins", "Target wins")
    LAST_UPDATE_WINS = ("last_update_wins", "Last update wins")


class Timing(Labelled):
    REALTIME = ("realtime", "Real-time (webhook)")
    BATCH = ("batch", "Batch, on an interval")


class Method(Labelled):
    ZAPIER = ("ipaas_zapier", "iPaaS: Zapier")
    MAKE = ("ipaas_make", "iPaaS: Make")
    WORKATO = ("ipaas_workato", "iPaaS: Workato")
    N8N = ("ipaas_n8n", "iPaaS: n8n")
    IPAAS_OTHER = ("ipaas_other", "iPaaS: other")
    DIRECT_API = ("direct_api", "Direct API")
    CUSTOM_SCRIPT = ("custom_script", "Custom script")
    CSV = ("csv", "CSV export / import")


SCORE_MEANINGS: dict[str, tuple[str, ...]] = {
    "frequency": (
        "Rarely: a few times a quarter",
        "Monthly",
        "Weekly",
        "Daily",
        "Many times a day",
    ),
    "impact": (
        "Nice to have; nobody would notice",
        "Saves one person a little time",
        "Saves a team real time or avoids occasional errors",
        "Errors or delays hurt customers or revenue",
        "Critical: blocks revenue, compliance or many people",
    ),
    "feasibility": (
        "No API or connector; heavy custom work",
        "Possible, but complex or fragile",
        "Workable with some custom work",
        "Supported connector or well-documented API",
        "Ready-made connector, set up in minutes",
    ),
}


class AccessLevel(Labelled):
    READ_ONLY = ("read_only", "Read-only")
    READ_WRITE = ("read_write", "Read and write")
    ADMIN = ("admin", "Admin / full access")


class CredentialType(Labelled):
    OAUTH = ("oauth", "OAuth")
    API_KEY = ("api_key", "API key")
    SERVICE_ACCOUNT = ("service_account", "Service account")
    PERSONAL_ACCOUNT = ("personal_account", "A person's own account (flagged)")


class CredentialStorage(Labelled):
    VAULT = ("vault", "A vault or secrets manager")
    IPAAS = ("ipaas_store", "The iPaaS's connection store")
    CODE = ("code_or_config", "In code or a config file")


class DataClass(Labelled):
    NONE = ("none", "None of these")
    PERSONAL = ("personal", "Personal data")
    FINANCIAL = ("financial", "Financial")
    HEALTH = ("health", "Health")
    CREDENTIALS = ("credentials", "Credentials")


SENSITIVE = frozenset({DataClass.PERSONAL, DataClass.FINANCIAL, DataClass.HEALTH})


class Attestation(Labelled):
    SOC2 = ("soc2", "SOC 2")
    HIPAA = ("hipaa", "HIPAA")
    GDPR_DPA = ("gdpr_dpa", "GDPR DPA")


class ReviewOutcome(Labelled):
    PASS = ("pass", "Pass")
    CHANGES = ("changes_requested", "Changes requested")
    FAIL = ("fail", "Fail")
