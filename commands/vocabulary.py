"""The registry's fixed vocabularies, each value with the label people see."""

from __future__ import annotations

from enum import StrEnum


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
